import { z } from 'zod';
import { IsoDateTime, Metrics, ModelType } from './common';
import { ConfigSummary, Evaluation } from './model-version';

export const RUN_STATUSES = ['scheduled', 'running', 'completed', 'not_blessed', 'failed'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

/** One training pipeline run ("TR-47"); a completed run is registered as a version whatever its blessing. */
export const TrainingRun = z.object({
  id: z.string(),
  name: z.string(),
  runNumber: z.number().int().positive(),
  familyId: z.string(),
  modelType: ModelType,
  status: RunStatus,
  /** The run's directory name in the pushes bucket: `tr-<id>-<timestamp>`. */
  runId: z.string(),
  scheduleId: z.string().nullable().default(null),
  experimentId: z.string().nullable().default(null),
  experimentName: z.string().nullable().default(null),
  pipelineJob: z.string().nullable().default(null),
  scheduledFor: IsoDateTime.nullable().default(null),
  startedAt: IsoDateTime.nullable().default(null),
  completedAt: IsoDateTime.nullable().default(null),
  metrics: Metrics.default({}),
  evaluation: Evaluation.nullable().default(null),
  blessed: z.boolean().nullable().default(null),
  error: z.string().nullable().default(null),
  versionId: z.string().nullable().default(null),
  config: ConfigSummary.default({ dataset: null, featureConfig: null, modelConfig: null, trainingParams: {} }),
});
export type TrainingRun = z.infer<typeof TrainingRun>;
