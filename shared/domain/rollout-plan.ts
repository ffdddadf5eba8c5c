import type { RolloutPlan } from '../schemas/rollout';

/** Where a rollout stands: the step running and since when. */
export interface RolloutProgress {
  stepIndex: number;
  stepStartedAt: string;
}

/** The challenger's live figures over the current step (Cloud Monitoring's, or the twin's). */
export interface LiveFigures {
  predictions: number;
  errors: number;
  p95LatencyMs: number | null;
  /** Latest value of the plan's online metric, when the caller reported one. */
  onlineMetric?: number | null;
}

export interface GuardBreach {
  guard: 'error_rate' | 'p95_latency' | 'online_metric';
  limit: number;
  actual: number;
}

export type RolloutDecision =
  | { action: 'hold'; reason: string }
  | { action: 'advance'; stepIndex: number; trafficPercent: number; reason: string }
  | { action: 'complete'; reason: string }
  | { action: 'roll_back'; breaches: GuardBreach[]; reason: string };

/** The guards the figures break (none while the step has seen too few predictions to judge). */
export function guardBreaches(plan: RolloutPlan, figures: LiveFigures): GuardBreach[] {
  const { guards } = plan;
  if (figures.predictions < guards.minPredictions) return [];
  const breaches: GuardBreach[] = [];
  const errorRate = figures.errors / figures.predictions;
  if (errorRate > guards.maxErrorRate) breaches.push({ guard: 'error_rate', limit: guards.maxErrorRate, actual: round(errorRate) });
  if (guards.maxP95LatencyMs !== undefined && figures.p95LatencyMs !== null && figures.p95LatencyMs > guards.maxP95LatencyMs) {
    breaches.push({ guard: 'p95_latency', limit: guards.maxP95LatencyMs, actual: round(figures.p95LatencyMs) });
  }
  const online = guards.minOnlineMetric;
  if (online && figures.onlineMetric !== undefined && figures.onlineMetric !== null && figures.onlineMetric < online.min) {
    breaches.push({ guard: 'online_metric', limit: online.min, actual: figures.onlineMetric });
  }
  return breaches;
}

/**
 * What the minute job does with a running rollout: guards first (a breach rolls back whatever the bake
 * time), then the next step once the current one has baked, then completion once the last one has.
 * Pure, so that every path is unit-tested; the caller applies the decision.
 */
export function decideRollout(plan: RolloutPlan, progress: RolloutProgress, figures: LiveFigures, now: Date): RolloutDecision {
  const breaches = guardBreaches(plan, figures);
  if (breaches.length) return { action: 'roll_back', breaches, reason: `guard breached: ${breaches.map(describe).join('; ')}` };
  const step = plan.steps[progress.stepIndex];
  if (!step) throw new RangeError(`rollout step ${progress.stepIndex} is not in the plan`);
  const bakedMs = now.getTime() - Date.parse(progress.stepStartedAt);
  if (bakedMs < step.bakeMinutes * 60_000) {
    return { action: 'hold', reason: `step ${progress.stepIndex + 1} at ${step.trafficPercent}% bakes until ${new Date(Date.parse(progress.stepStartedAt) + step.bakeMinutes * 60_000).toISOString()}` };
  }
  const next = plan.steps[progress.stepIndex + 1];
  if (!next) return { action: 'complete', reason: `step ${progress.stepIndex + 1} at ${step.trafficPercent}% baked ${step.bakeMinutes} min healthy` };
  return {
    action: 'advance', stepIndex: progress.stepIndex + 1, trafficPercent: next.trafficPercent,
    reason: `step ${progress.stepIndex + 1} at ${step.trafficPercent}% baked ${step.bakeMinutes} min healthy`,
  };
}

/** The endpoint's split for a step: the challenger's share, the champion the rest. */
export function rolloutSplit(championId: string, challengerId: string, trafficPercent: number): Record<string, number> {
  return { [championId]: 100 - trafficPercent, [challengerId]: trafficPercent };
}

function describe(b: GuardBreach): string {
  switch (b.guard) {
    case 'error_rate': return `error rate ${b.actual} > ${b.limit}`;
    case 'p95_latency': return `p95 latency ${b.actual} ms > ${b.limit} ms`;
    case 'online_metric': return `online metric ${b.actual} < ${b.limit}`;
  }
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
