import { Evaluation } from '../schemas/model-version';
import { normalizeMetrics, type PushedMetrics } from '../schemas/pushed-metrics';
import type { RunStatus } from '../schemas/training-run';

/** Seed 000's run name: "TR-47". */
export function runName(runNumber: number): string {
  return `TR-${runNumber}`;
}

/**
 * The run's directory in the pushes bucket, `tr-<training run id>-<yyyymmddHHMMss>` (seed 000), from
 * the instant it was due (UTC), so that it is the same whichever delivery creates it. Lowercase
 * letters, digits and `-` only: it is also the Vertex pipeline job id.
 */
export function pushRunId(runNumber: number, dueAt: Date): string {
  const stamp = dueAt.toISOString().slice(0, 19).replace(/[-T:]/g, '');
  return `tr-${runNumber}-${stamp}`;
}

/** What the pipeline service says about a run's job. */
export interface PipelineStatus {
  state: 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  error: string | null;
  endedAt: string | null;
}

export interface RunOutcome {
  status: Extract<RunStatus, 'completed' | 'not_blessed' | 'failed'>;
  error: string | null;
  metrics: Record<string, number>;
  evaluation: Evaluation | null;
  blessed: boolean | null;
}

/**
 * How a run ended, or null while its pipeline is still going. A succeeded pipeline is `completed`
 * unless its metrics.json says the model was not blessed; a missing metrics.json leaves the blessing
 * unknown (the registration flow treats it the same way).
 */
export function runOutcome(pipeline: PipelineStatus, metrics: PushedMetrics | null): RunOutcome | null {
  switch (pipeline.state) {
    case 'pending':
    case 'running':
      return null;
    case 'failed':
    case 'cancelled':
      return {
        status: 'failed',
        error: pipeline.error ?? (pipeline.state === 'cancelled' ? 'The pipeline job was cancelled' : 'The pipeline job failed'),
        metrics: {}, evaluation: null, blessed: null,
      };
    case 'succeeded': {
      const evaluation = metrics?.evaluation ? Evaluation.parse({ achieved: null, blessed: null, ...metrics.evaluation }) : null;
      const blessed = evaluation?.blessed ?? metrics?.blessed ?? null;
      return {
        status: blessed === false ? 'not_blessed' : 'completed',
        error: null,
        metrics: normalizeMetrics(metrics?.metrics ?? {}),
        evaluation,
        blessed,
      };
    }
  }
}
