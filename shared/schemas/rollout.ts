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

export const ROLLOUT_STATUSES = ['running', 'completed', 'rolled_back'] as const;
export const ROLLOUT_STEP_ACTIONS = ['started', 'advanced', 'completed', 'promoted', 'rolled_back', 'auto_rolled_back'] as const;

/** One traffic change of a rollout, with who made it and why (also in the challenger's deployment history). */
export const RolloutStepRecord = z.object({
  action: z.enum(ROLLOUT_STEP_ACTIONS),
  at: z.string(),
  actor: z.string(),
  reason: z.string().nullable(),
  /** The challenger's share after the change. */
  trafficPercent: z.number().int(),
  stepIndex: z.number().int(),
});
export type RolloutStepRecord = z.infer<typeof RolloutStepRecord>;

/** `rollouts/{challengerVersionId}` */
export const Rollout = z.object({
  id: z.string(),
  endpoint: z.string(),
  champion: z.object({ versionId: z.string(), deployedModelId: z.string() }),
  challenger: z.object({ versionId: z.string(), deployedModelId: z.string() }),
  plan: RolloutPlan,
  status: z.enum(ROLLOUT_STATUSES),
  stepIndex: z.number().int(),
  stepStartedAt: z.string(),
  startedAt: z.string(),
  startedBy: z.string(),
  /** Latest value of the plan's online metric the caller reported (POST …/rollout/metric). */
  onlineMetric: z.number().nullable().default(null),
  steps: z.array(RolloutStepRecord),
});
export type Rollout = z.infer<typeof Rollout>;

/** `POST /api/models/{id}/rollout`: the challenger (deployed beside the champion) and its plan. */
export const StartRolloutRequest = z.strictObject({
  plan: RolloutPlan,
  reason: z.string().trim().max(500).optional(),
});
export type StartRolloutRequest = z.output<typeof StartRolloutRequest>;

/** `POST /api/models/{id}/rollout/promote|rollback` */
export const RolloutActionRequest = z.strictObject({ reason: z.string().trim().max(500).optional() });
export type RolloutActionRequest = z.output<typeof RolloutActionRequest>;
