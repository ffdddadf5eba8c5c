import { z } from 'zod';
import { IsoDateTime, ModelType, Slug, Tag } from './common';

/** A model family: the logical model that versions belong to (seed 003's "model artifact"). */
export const Family = z.object({
  id: Slug,
  name: z.string().min(1).max(120),
  modelType: ModelType,
  description: z.string().max(2000).default(''),
  tags: z.array(Tag).max(32).default([]),
  latestVersion: z.number().int().nonnegative().default(0),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Family = z.infer<typeof Family>;
