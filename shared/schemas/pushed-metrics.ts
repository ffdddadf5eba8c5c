import { z } from 'zod';
import { ModelType, Slug } from './common';
import { Evaluation } from './model-version';

/**
 * `<run_id>/metrics.json`, written by the pipeline beside `pushed_model/` (seed 000: "metrics and
 * blessing status are extracted from GCS artifacts"). Every field is optional; unknown fields are
 * kept out. `family` / `model_type` name the family when no training-run document exists.
 */
export const PushedMetrics = z.object({
  family: Slug.optional(),
  model_type: ModelType.optional(),
  metrics: z.record(z.string(), z.number().finite()).default({}),
  evaluation: Evaluation.partial({ achieved: true, blessed: true }).optional(),
  blessed: z.boolean().nullable().optional(),
});
export type PushedMetrics = z.infer<typeof PushedMetrics>;

/** Metric names become Firestore field names and API keys: `Recall@100` → `recall_100`. */
export function normalizeMetricName(name: string): string | null {
  const text = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').replace(/_+$/, '').slice(0, 63);
  return text || null;
}

export function normalizeMetrics(metrics: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) {
    const key = normalizeMetricName(name);
    if (key) out[key] = value;
  }
  return out;
}
