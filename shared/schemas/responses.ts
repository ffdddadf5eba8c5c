import { z } from 'zod';
import { STATUS_BADGES } from '../domain/status';
import { ModelType } from './common';
import { AliasHistoryEntry, AliasRecord, DeploymentHistoryEntry } from './deployment';
import { Family } from './family';
import { Deployment, ModelVersion, VersionStatus } from './model-version';
import { PushRecord } from './push-record';
import { ScheduleRecord } from './schedule-api';
import { SCHEDULE_TYPES } from './schedule';
import { RunStatus, TrainingRun } from './training-run';

/**
 * What the API answers, as schemas: the OpenAPI document is generated from them, and
 * `functions/src/http/openapi/response-types-check.ts` keeps each one equal to the type the server code returns.
 */

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable(), pageSize: z.number().int() });

export const PrimaryMetricSchema = z.object({
  name: z.enum(['recall_at_100', 'rmse']),
  label: z.enum(['R@100', 'RMSE']),
  value: z.number(),
  higherIsBetter: z.boolean(),
});

export const MetricDeltaSchema = z.object({
  metric: z.string(),
  from: z.number().nullable(),
  to: z.number().nullable(),
  change: z.number().nullable(),
  direction: z.enum(['up', 'down', 'same']).nullable(),
  improved: z.boolean().nullable(),
});

const badges = Object.values(STATUS_BADGES) as [(typeof STATUS_BADGES)[keyof typeof STATUS_BADGES], ...(typeof STATUS_BADGES)[keyof typeof STATUS_BADGES][]];

export const ModelVersionViewSchema = ModelVersion.extend({
  status: VersionStatus,
  badge: z.enum(badges),
  primaryMetric: PrimaryMetricSchema.nullable(),
});

export const ListModelsResponseSchema = page(ModelVersionViewSchema);

export const SummaryResponseSchema = z.object({
  total: z.number().int(),
  blessed: z.number().int(),
  deployed: z.number().int(),
  idle: z.number().int(),
  notBlessed: z.number().int(),
  pending: z.number().int(),
  latest: z.object({ versionId: z.string(), name: z.string(), registeredAt: z.string() }).nullable(),
});

export const VersionsResponseSchema = z.object({
  familyId: z.string(),
  versionId: z.string(),
  items: z.array(ModelVersionViewSchema.extend({ deltas: z.array(MetricDeltaSchema), previousVersion: z.number().int().nullable() })),
});

export const LineageResponseSchema = z.object({
  versionId: z.string(),
  nodes: z.array(z.object({
    id: z.string(),
    kind: z.enum(['experiment', 'training_run', 'model', 'dataset', 'feature_config', 'model_config']),
    label: z.string(),
    detail: z.string(),
    status: z.string().optional(),
    metric: z.object({ label: z.string(), value: z.number() }).nullable().optional(),
  })),
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
  relatedRuns: z.array(TrainingRun.pick({ id: true, name: true, status: true, completedAt: true, blessed: true, versionId: true }).extend({
    primaryMetric: PrimaryMetricSchema.nullable(),
    isThisModel: z.boolean(),
  })),
});

export const CompareResponseSchema = z.object({
  familyId: z.string(),
  from: ModelVersionViewSchema,
  to: ModelVersionViewSchema,
  deltas: z.array(MetricDeltaSchema),
});

export const ArchiveResponseSchema = z.object({ changed: z.boolean(), version: ModelVersionViewSchema });

export const DeleteVersionResponseSchema = z.object({
  deleted: z.string(),
  blobDigests: z.array(z.string()).nullable(),
  latest: z.number().int().nullable(),
});

export const DeploymentResultSchema = z.object({
  changed: z.boolean(),
  version: ModelVersionViewSchema,
  deployment: Deployment.nullable(),
  replaced: z.array(z.string()),
});

export const DeploymentHistoryResponseSchema = z.object({ versionId: z.string(), items: z.array(DeploymentHistoryEntry) });

export const AliasResultSchema = z.object({ changed: z.boolean(), alias: AliasRecord.nullable(), previousVersion: z.number().int().nullable() });

export const AliasListResponseSchema = z.object({ familyId: z.string(), aliases: z.array(AliasRecord), history: z.array(AliasHistoryEntry) });

export const ListFamiliesResponseSchema = page(Family);
export const FamilyDetailSchema = Family.extend({ versionCount: z.number().int(), latest: ModelVersionViewSchema.nullable() });

export const ManifestEntrySchema = z.object({
  path: z.string(),
  size: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string().nullable(),
});

export const VersionManifestResponseSchema = z.object({
  versionId: z.string(),
  familyId: z.string(),
  manifestDigest: z.string(),
  format: ModelVersion.shape.artifacts.shape.format,
  sizeBytes: z.number().int(),
  fileCount: z.number().int(),
  files: z.array(ManifestEntrySchema),
});

export const ScheduleViewSchema = ScheduleRecord.extend({
  description: z.string(),
  nextFireTime: z.string().nullable(),
});
export const ListSchedulesResponseSchema = page(ScheduleViewSchema);

const byDay = <T extends z.ZodType>(entry: T) => z.record(z.string(), z.array(entry));

const Series = z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int(), z.number(), z.number().int().optional()])
  .describe("[index in `schedules`, first day (index in window.days), occurrences, stride in days, its first fire (or missed slot) on each of those days in minutes after window.start + the day's index × 24 h, how many that day when more than one]");

/**
 * The calendar as sent (shared/domain/calendar-wire.ts): each schedule's details once, its slots as
 * series of days, runs per day. `expandCalendar` turns it into seed 000's per-day entries.
 */
export const CalendarResponseSchema = z.object({
  window: z.object({
    start: z.string(), end: z.string(), tz: z.string(), weeksPast: z.number().int(), weeksFuture: z.number().int(),
    today: z.string(), days: z.array(z.string()),
  }),
  schedules: z.array(z.object({
    scheduleId: z.string(), name: z.string(), familyId: z.string(),
    type: ModelType.optional(), scheduleType: z.enum(SCHEDULE_TYPES).optional(), description: z.string().optional(),
  }).describe('A schedule the days refer to by index; type, schedule type and description are absent when it appears only in `missed`')),
  scheduled: z.array(Series.describe('A schedule\'s fires on days a constant stride apart, once a day however often it fires')),
  historical: byDay(z.object({
    schedule: z.number().int().optional().describe('Index in `schedules`; absent when the group is spelled out below'),
    scheduleId: z.string().nullable().optional(), familyId: z.string().optional(), type: ModelType.optional(),
    label: z.string().optional().describe("The schedule's name, or the family's id for runs without a schedule"),
    runId: z.string().nullable(), name: z.string().optional().describe('Absent when equal to the label'), status: RunStatus,
    versionId: z.string().nullable(), at: z.string(),
    runs: z.number().int(),
    statuses: z.partialRecord(RunStatus, z.number().int()),
  }).describe("The runs of one schedule (or family) on one day; runId, name, status and versionId are its latest run's")),
  missed: z.array(Series.describe("A schedule's slots no run covered, on days a constant stride apart")),
  families: z.array(z.object({ familyId: z.string(), lastBlessedAt: z.string().nullable(), daysSinceLastBlessed: z.number().int().nullable() })),
  warnings: z.array(z.object({
    code: z.enum(['SCHEDULE_INVALID', 'SCHEDULE_TRUNCATED', 'SCHEDULES_TRUNCATED', 'RUNS_TRUNCATED', 'FAMILIES_TRUNCATED']),
    message: z.string(),
    scheduleId: z.string().optional(),
  })),
});

const Statuses = z.partialRecord(RunStatus, z.number().int());
const SlotsDay = z.object({
  count: z.number().int().describe('Fires (scheduled) or slots no run covered (missed)'),
  schedules: z.number().int().describe('Distinct schedules'),
  top: z.array(z.tuple([z.number().int(), z.number().int()])).describe('At most five [index in `schedules`, count], by first slot of the day'),
});

/** The grid (shared/domain/calendar-grid.ts): totals per day and kind, the first few names. */
export const CalendarGridSchema = z.object({
  window: CalendarResponseSchema.shape.window,
  schedules: z.array(z.object({ scheduleId: z.string(), name: z.string() }).describe('A schedule the previews refer to by index')),
  historical: z.record(z.string(), z.object({
    runs: z.number().int(), statuses: Statuses, groups: z.number().int().describe('Distinct schedules (or families, for runs by hand) that ran'),
    top: z.array(z.object({
      schedule: z.number().int().optional().describe('Index in `schedules`'),
      label: z.string().optional().describe('A family, or a schedule no longer active, when `schedule` is absent'),
      runs: z.number().int(), statuses: Statuses,
    })).describe('At most five groups, those with a failed run first'),
  })),
  scheduled: z.record(z.string(), SlotsDay),
  missed: z.record(z.string(), SlotsDay),
  families: CalendarResponseSchema.shape.families,
  warnings: CalendarResponseSchema.shape.warnings,
});

/** One day in seed 000's shape. */
export const CalendarDaySchema = z.object({
  date: z.string(), tz: z.string(),
  scheduled: z.array(z.object({
    scheduleId: z.string(), name: z.string(), type: ModelType, scheduleType: z.enum(SCHEDULE_TYPES), description: z.string(),
    fireTime: z.string(), familyId: z.string(), fires: z.number().int(),
  })),
  historical: z.array(z.object({
    runId: z.string().nullable(), name: z.string(), status: RunStatus, type: ModelType, familyId: z.string(),
    versionId: z.string().nullable(), scheduleId: z.string().nullable(), at: z.string(), label: z.string(),
    runs: z.number().int(), statuses: Statuses,
  }).describe("One schedule's (or family's) runs that day; runId, name, status and versionId are its latest run's")),
  missed: z.array(z.object({ scheduleId: z.string(), name: z.string(), familyId: z.string(), fireTime: z.string(), slots: z.number().int() })),
  warnings: CalendarResponseSchema.shape.warnings,
});

export const PushPageSchema = page(PushRecord);

export const HealthResponseSchema = z.object({ ok: z.literal(true) });

/** Every failure: a stable code, a message, the fields at fault for validation errors, and details. */
export const ErrorBodySchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/**
 * A version's model-signing bundle (Sigstore bundle v0.3 JSON, README "Signed provenance"): a DSSE
 * envelope over the in-toto statement, and the public-key hint of the key that signed it.
 */
export const SignatureBundleSchema = z.object({
  mediaType: z.literal('application/vnd.dev.sigstore.bundle.v0.3+json'),
  verificationMaterial: z.object({
    publicKey: z.object({ hint: z.string() }),
    tlogEntries: z.array(z.unknown()),
  }).loose(),
  dsseEnvelope: z.object({
    payload: z.string().describe('base64 of the in-toto Statement v1 (predicateType https://model_signing/signature/v1.0)'),
    payloadType: z.literal('application/vnd.in-toto+json'),
    signatures: z.array(z.object({ sig: z.string(), keyid: z.string() })),
  }),
});

/** Every KMS key version that signed a version, with its PEM (GET /api/signing-keys). */
export const SigningKeysResponseSchema = z.object({
  keys: z.array(z.object({
    keyVersion: z.string(),
    hint: z.string().describe("SHA-256 (hex) of the PEM: the bundles' verificationMaterial.publicKey.hint"),
    pem: z.string(),
    firstSignedAt: z.string(),
  })),
});
