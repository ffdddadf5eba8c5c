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

/**
 * An integer query parameter. Query strings arrive as strings (arrays when repeated): every bad
 * value ("abc", "2.5", "", "1e3", a repeat) gets a message saying what is expected, where zod's
 * coercion would say "received NaN".
 */
export function queryInteger(min: number, max: number) {
  const what = `an integer from ${min} to ${max}`;
  const expected = `must be ${what}`;
  return z.preprocess(
    (v) => (Array.isArray(v) ? { __repeated: v } : typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v),
    z.number({ error: (issue) => (isRepeated(issue.input) ? `must be given once, as ${what}` : expected) })
      .int(expected).min(min, expected).max(max, expected),
  );
}

const isRepeated = (v: unknown) => typeof v === 'object' && v !== null && '__repeated' in v;

export const IsoDateTime = z.iso.datetime({ offset: true });

/** Metric values by name, e.g. recall_at_100, rmse, loss. */
export const Metrics = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), z.number().finite());
export type Metrics = z.infer<typeof Metrics>;

export const Tag = z.string().min(1).max(64);
