import { createHash } from 'node:crypto';
import type { ModelType } from '../../shared/schemas/common';

/**
 * What the toy trainer "learns": a few KB of bytes in TF SavedModel layout and metrics, all derived
 * from the run id, so that a run is reproducible and two runs differ.
 */

/** `length` bytes of a SHA-256 counter stream seeded by `seed`. */
function bytesFrom(seed: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(createHash('sha256').update(`${seed}#${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

/** A number in [0, 1) derived from the seed. */
function unit(seed: string): number {
  return createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32;
}

/** The SavedModel directory's files by relative path: the graph, the variables index and one shard. */
export function toyModelFiles(runId: string): Record<string, Buffer> {
  const size = (path: string, min: number) => min + Math.floor(unit(`${runId}/${path}/size`) * 2048);
  const file = (path: string, min: number) => bytesFrom(`${runId}/${path}`, size(path, min));
  return {
    'saved_model.pb': file('saved_model.pb', 3072),
    'variables/variables.index': file('variables/variables.index', 512),
    'variables/variables.data-00000-of-00001': file('variables/variables.data-00000-of-00001', 4096),
  };
}

/**
 * `input_example.json`: a request the toy model answers, shipped in the model directory as MLflow models
 * ship theirs (the registry keeps it for the playground). Named inputs by model type.
 */
export function toyInputExample(modelType: ModelType): { instances: Record<string, unknown>[] } {
  const user = { user_id: 'u-1042', context: 'home_feed' };
  switch (modelType) {
    case 'retrieval': return { instances: [{ ...user, top_k: 10 }] };
    case 'ranking': return { instances: [{ ...user, item_id: 'i-77' }, { ...user, item_id: 'i-78' }] };
    default: return { instances: [{ ...user, item_id: 'i-77', top_k: 10 }] };
  }
}

export interface ToyMetricsInput {
  runId: string;
  family: string;
  modelType: ModelType;
  /** The blessing threshold on the primary metric (default 0.75 recall@100, 0.7 RMSE). */
  threshold?: number;
}

/** `<run_id>/metrics.json` as a TFX pipeline's evaluator would leave it (the registry's PushedMetrics shape). */
export function toyMetrics({ runId, family, modelType, threshold }: ToyMetricsInput) {
  const quality = unit(`${runId}/quality`);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const loss = round(0.2 + (1 - quality) * 0.3);
  if (modelType === 'ranking') {
    const rmse = round(0.4 + (1 - quality) * 0.4);
    const limit = threshold ?? 0.7;
    return {
      family, model_type: modelType,
      metrics: { rmse, loss },
      evaluation: { metric: 'rmse', comparator: '<=', threshold: limit, achieved: rmse, blessed: rmse <= limit },
    };
  }
  const recall = round(0.7 + quality * 0.2);
  const limit = threshold ?? 0.75;
  return {
    family, model_type: modelType,
    metrics: { recall_at_100: recall, recall_at_50: round(recall * 0.8), loss },
    evaluation: { metric: 'recall_at_100', comparator: '>=', threshold: limit, achieved: recall, blessed: recall >= limit },
  };
}
