import { DomainError } from '../../../shared/errors';
import type { ObjectLocation, ObjectStore } from '../../../shared/register-ports';
import { Evaluation } from '../../../shared/schemas/model-version';
import { PushedMetrics, normalizeMetrics } from '../../../shared/schemas/pushed-metrics';
import type { TrainingRun } from '../../../shared/schemas/training-run';

export interface MetricsReading {
  /** The pipeline's metrics.json, or null when absent or unusable. */
  metrics: PushedMetrics | null;
  /** Why a metrics.json that exists was not used (too large, not JSON, wrong shape); null otherwise. */
  ignored: string | null;
}

/**
 * Reads `<run_id>/metrics.json` (registration, promotion, run sync). A missing or unusable one is
 * never a failure: the version or run is recorded without metrics and its blessing stays unknown.
 */
export async function readPushedMetrics(objects: Pick<ObjectStore, 'readJson'>, location: ObjectLocation, maxBytes: number): Promise<MetricsReading> {
  let raw: unknown;
  try {
    raw = await objects.readJson(location, maxBytes);
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'PAYLOAD_TOO_LARGE' || error.code === 'VALIDATION_FAILED')) return { metrics: null, ignored: error.message };
    throw error;
  }
  if (raw === null) return { metrics: null, ignored: null };
  const parsed = PushedMetrics.safeParse(raw);
  if (parsed.success) return { metrics: parsed.data, ignored: null };
  return { metrics: null, ignored: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/** Metrics and blessing of a new version: metrics.json first (the pipeline's own output), else the run document. */
export function evaluationOf(metrics: PushedMetrics | null, run: TrainingRun | null): { metrics: Record<string, number>; evaluation: Evaluation | null; blessed: boolean | null } {
  if (!metrics) return { metrics: run?.metrics ?? {}, evaluation: run?.evaluation ?? null, blessed: run?.blessed ?? null };
  const evaluation = metrics.evaluation ? Evaluation.parse({ achieved: null, blessed: null, ...metrics.evaluation }) : null;
  return { metrics: normalizeMetrics(metrics.metrics), evaluation, blessed: evaluation?.blessed ?? metrics.blessed ?? null };
}
