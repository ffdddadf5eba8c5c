import { z } from 'zod';

export const MonitoringWindow = z.enum(['hour', 'day']);
export type MonitoringWindow = z.infer<typeof MonitoringWindow>;

/** `GET /api/models/{id}/monitoring` */
export const MonitoringQuery = z.strictObject({ window: MonitoringWindow.default('hour') });

const Bucket = z.object({
  start: z.string(),
  end: z.string(),
  predictions: z.number().int(),
  errors: z.number().int(),
  p50LatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
});

export const MonitoringResponseSchema = z.object({
  versionId: z.string(),
  endpoint: z.string(),
  deployedModelId: z.string(),
  trafficPercent: z.number().int(),
  window: MonitoringWindow,
  start: z.string(),
  end: z.string(),
  bucketMinutes: z.number().int(),
  predictions: z.number().int(),
  errors: z.number().int(),
  p50LatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
  /** Oldest first; buckets without predictions are left out. */
  buckets: z.array(Bucket),
});
export type MonitoringResponse = z.infer<typeof MonitoringResponseSchema>;
