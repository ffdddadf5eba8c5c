import { z } from 'zod';

export const MODEL_TYPES = ['retrieval', 'ranking', 'hybrid', 'multitask'] as const;
export const ModelType = z.enum(MODEL_TYPES);
export type ModelType = z.infer<typeof ModelType>;

/** Family ids are slugs: they appear in URLs, GCS paths and Vertex labels. */
export const Slug = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/, 'must be lowercase letters, digits, "-" or "_", not starting or ending with a symbol');

export const IsoDateTime = z.iso.datetime({ offset: true });

/** Metric values by name, e.g. recall_at_100, rmse, loss. */
export const Metrics = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), z.number().finite());
export type Metrics = z.infer<typeof Metrics>;

export const Tag = z.string().min(1).max(64);
