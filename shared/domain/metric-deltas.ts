import type { Metrics } from '../schemas/common';

const LOWER_IS_BETTER = /^(rmse|mae|mse|loss|.*_loss|error.*|.*_error)$/;

export function higherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.test(metric);
}

export interface MetricDelta {
  metric: string;
  from: number | null;
  to: number | null;
  change: number | null;
  /** `up`/`down` is the arrow (value rose or fell); `improved` says whether that is good. */
  direction: 'up' | 'down' | 'same' | null;
  improved: boolean | null;
}

/** Every metric of either side, side by side, sorted by name (the seed's v2 → v3 table). */
export function metricDeltas(from: Metrics | null, to: Metrics): MetricDelta[] {
  const names = [...new Set([...Object.keys(from ?? {}), ...Object.keys(to)])].sort();
  return names.map((metric) => {
    const a = from?.[metric] ?? null;
    const b = to[metric] ?? null;
    if (a === null || b === null) return { metric, from: a, to: b, change: null, direction: null, improved: null };
    const change = Number((b - a).toPrecision(12));
    const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'same';
    const improved = change === 0 ? null : (change > 0) === higherIsBetter(metric);
    return { metric, from: a, to: b, change, direction, improved };
  });
}
