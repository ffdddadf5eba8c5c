import { z } from 'zod';

export const MAX_ROLLOUT_STEPS = 10;

export const RolloutStep = z.strictObject({
  /** The challenger's share of the endpoint's traffic during this step. */
  trafficPercent: z.number().int().min(1).max(100),
  /** How long the step must run healthy before the next one (the minute job checks). */
  bakeMinutes: z.number().int().min(0).max(7 * 24 * 60),
});
export type RolloutStep = z.infer<typeof RolloutStep>;

/** Live figures past which a rollout stops and hands all traffic back to the champion. */
export const RolloutGuards = z.strictObject({
  /** errors / predictions of the challenger over the current step, 0..1 */
  maxErrorRate: z.number().min(0).max(1).default(0.05),
  maxP95LatencyMs: z.number().positive().max(600_000).optional(),
  /** An online metric the caller reports (e.g. click-through); the rollout stops when it falls below. */
  minOnlineMetric: z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), min: z.number() }).optional(),
  /** Guards judge only once the step has seen this many challenger predictions (no verdict on noise). */
  minPredictions: z.number().int().min(1).max(1_000_000).default(20),
});
export type RolloutGuards = z.output<typeof RolloutGuards>;

export const RolloutPlan = z
  .strictObject({
    steps: z.array(RolloutStep).min(1).max(MAX_ROLLOUT_STEPS),
    guards: RolloutGuards.default({ maxErrorRate: 0.05, minPredictions: 20 }),
  })
  .superRefine((plan, ctx) => {
    plan.steps.forEach((step, i) => {
      if (i > 0 && step.trafficPercent <= plan.steps[i - 1]!.trafficPercent) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'trafficPercent'], message: 'must be more than the previous step\'s' });
      }
    });
    const last = plan.steps[plan.steps.length - 1];
    if (last && last.trafficPercent !== 100) ctx.addIssue({ code: 'custom', path: ['steps', plan.steps.length - 1, 'trafficPercent'], message: 'the last step must take 100' });
  });
export type RolloutPlan = z.output<typeof RolloutPlan>;
