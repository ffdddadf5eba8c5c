import type { ModelType } from '../schemas/common';
import type { Metrics } from '../schemas/common';

export interface PrimaryMetric {
  name: 'recall_at_100' | 'rmse';
  label: 'R@100' | 'RMSE';
  value: number;
  higherIsBetter: boolean;
}

/** Ranking models are judged by RMSE; retrieval, hybrid and multitask ones by recall@100. */
export function primaryMetric(modelType: ModelType, metrics: Metrics): PrimaryMetric | null {
  if (modelType === 'ranking') {
    const rmse = metrics.rmse;
    return rmse === undefined ? null : { name: 'rmse', label: 'RMSE', value: rmse, higherIsBetter: false };
  }
  const recall = metrics.recall_at_100;
  return recall === undefined ? null : { name: 'recall_at_100', label: 'R@100', value: recall, higherIsBetter: true };
}

/**
 * The single number `sort=best` orders by, descending. Mixed types cannot be compared metric to
 * metric, so the key groups them: versions judged by recall@100 first (best recall first), then
 * ranking versions (lowest RMSE first), then versions without their primary metric.
 *   recall group:  2 + recall        (recall is in [0, 1], so the group spans [2, 3])
 *   ranking group: 1 / (1 + rmse)    (in (0, 1], falls as RMSE grows)
 *   no metric:     -1
 */
export function bestScore(modelType: ModelType, metrics: Metrics): number {
  const primary = primaryMetric(modelType, metrics);
  if (!primary) return -1;
  if (primary.name === 'rmse') return 1 / (1 + Math.max(0, primary.value));
  return 2 + primary.value;
}
