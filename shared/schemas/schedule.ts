import { z } from 'zod';
import { IsoDateTime, ModelType, Slug } from './common';

export const SCHEDULE_TYPES = ['once', 'daily', 'weekly', 'cron'] as const;

/** A retraining schedule; Firestore is the source of truth, Cloud Scheduler runs it. */
export const Schedule = z.object({
  id: z.string(),
  name: z.string().min(1).max(120),
  familyId: Slug,
  modelType: ModelType,
  type: z.enum(SCHEDULE_TYPES),
  /** `once`: the instant to run. */
  runAt: IsoDateTime.nullable().default(null),
  /** `daily` / `weekly`: local wall-clock time HH:MM. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).nullable().default(null),
  /** `weekly`: 0 = Monday … 6 = Sunday (seed 000's convention). */
  dayOfWeek: z.number().int().min(0).max(6).nullable().default(null),
  /** `cron`: a unix-cron expression. */
  cron: z.string().nullable().default(null),
  timeZone: z.string(),
  pipelineTemplate: z.string(),
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  state: z.enum(['active', 'paused']),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  createdBy: z.string().default('system'),
});
export type Schedule = z.infer<typeof Schedule>;
