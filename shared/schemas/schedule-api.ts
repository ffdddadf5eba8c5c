import { z } from 'zod';
import { IsoDateTime, ModelType, Slug, queryInteger } from './common';
import { SCHEDULE_TYPES, Schedule } from './schedule';
import { canonicalTimeZone, isValidTimeZone } from '../domain/schedule-projection';

/** Parameters the registry sets on every pipeline run; a schedule may not set them itself. */
export const RESERVED_PIPELINE_PARAMETERS = ['run_id', 'pushes_bucket', 'family', 'model_type'] as const;

export const MAX_PIPELINE_PARAMETERS = 50;

export const PipelineParameters = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a pipeline parameter name (letters, digits, "_")'),
    z.union([z.string().max(1000), z.number().finite(), z.boolean()]),
  )
  .superRefine((params, ctx) => {
    const names = Object.keys(params);
    if (names.length > MAX_PIPELINE_PARAMETERS) ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_PIPELINE_PARAMETERS} entries` });
    for (const name of names) {
      if ((RESERVED_PIPELINE_PARAMETERS as readonly string[]).includes(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the registry on every run' });
      }
    }
  });

/** A compiled pipeline: a GCS object or an Artifact Registry (Kubeflow pipelines) URL. */
const PipelineTemplate = z.string().max(1000).regex(/^(gs:\/\/[a-z0-9][a-z0-9._-]{1,221}\/\S+|https:\/\/\S+)$/, 'must be a gs:// or https:// URI of a compiled pipeline');
const TimeZone = z.string().min(1).max(100).refine(isValidTimeZone, 'is not a known IANA time zone').transform(canonicalTimeZone);
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM');
const DayOfWeek = z.number().int().min(0).max(6);

/** POST /api/training-schedules. Which timing fields apply depends on `type` (checked by the use case). */
export const CreateScheduleBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  familyId: Slug,
  modelType: ModelType,
  type: z.enum(SCHEDULE_TYPES),
  runAt: IsoDateTime.optional(),
  time: Time.optional(),
  dayOfWeek: DayOfWeek.optional(),
  cron: z.string().trim().min(1).max(100).optional(),
  timeZone: TimeZone,
  pipelineTemplate: PipelineTemplate,
  parameters: PipelineParameters.default({}),
});
export type CreateScheduleBody = z.output<typeof CreateScheduleBody>;

/** PATCH /api/training-schedules/{id}: any subset; `null` clears a timing field. */
export const UpdateScheduleBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    familyId: Slug,
    modelType: ModelType,
    type: z.enum(SCHEDULE_TYPES),
    runAt: IsoDateTime.nullable(),
    time: Time.nullable(),
    dayOfWeek: DayOfWeek.nullable(),
    cron: z.string().trim().min(1).max(100).nullable(),
    timeZone: TimeZone,
    pipelineTemplate: PipelineTemplate,
    parameters: PipelineParameters,
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateScheduleBody = z.output<typeof UpdateScheduleBody>;

export const SCHEDULE_PAGE_SIZE = { default: 25, max: 100 } as const;

const single = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), schema);

export const ListSchedulesQuery = z.strictObject({
  page_size: queryInteger(1, SCHEDULE_PAGE_SIZE.max).default(SCHEDULE_PAGE_SIZE.default),
  cursor: single(z.string().min(1).max(1000)).optional(),
});

/** Ids are used in Cloud Scheduler job names (`sched-<id>`), so they keep to the job id alphabet. */
export const ScheduleIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'is not a schedule id');

/**
 * Whether the Cloud Scheduler job reflects the document: Firestore is the source of truth, the job
 * is brought in line after each write; `pending` (with the error) until a retry or reconcile succeeds.
 */
export const ScheduleSync = z.object({
  state: z.enum(['synced', 'pending']),
  error: z.string().nullable().default(null),
  attemptedAt: IsoDateTime.nullable().default(null),
});
export type ScheduleSync = z.infer<typeof ScheduleSync>;

/** A schedule document as stored: the calendar's Schedule plus its job sync state. */
export const ScheduleRecord = Schedule.extend({
  /** Bumped by every write, so that a slow job sync does not report on a newer version. */
  revision: z.number().int().nonnegative().default(0),
  sync: ScheduleSync.default({ state: 'pending', error: null, attemptedAt: null }),
});
export type ScheduleRecord = z.infer<typeof ScheduleRecord>;

/** What the API returns for a schedule. */
export type ScheduleView = ScheduleRecord & {
  /** "Weekly (Wed 09:00 Europe/Warsaw)". */
  description: string;
  /** The next instant it fires, null when paused or when it will not fire again. */
  nextFireTime: string | null;
};

export interface ListSchedulesResponse {
  items: ScheduleView[];
  nextCursor: string | null;
  pageSize: number;
}
