import assert from 'node:assert/strict';
import { decideRollout, guardBreaches, rolloutSplit, type LiveFigures } from '../../../shared/domain/rollout-plan';
import { RolloutPlan } from '../../../shared/schemas/rollout';

const plan = RolloutPlan.parse({
  steps: [{ trafficPercent: 10, bakeMinutes: 5 }, { trafficPercent: 50, bakeMinutes: 10 }, { trafficPercent: 100, bakeMinutes: 0 }],
  guards: { maxErrorRate: 0.1, maxP95LatencyMs: 200, minOnlineMetric: { name: 'ctr', min: 0.02 }, minPredictions: 10 },
});
const healthy: LiveFigures = { predictions: 100, errors: 2, p95LatencyMs: 80, onlineMetric: 0.05 };
const at = (iso: string) => new Date(iso);
const started = '2026-12-06T10:00:00.000Z';

describe('rollout plans', () => {
  it('holds a step until its bake time has passed, then advances to the next step', () => {
    assert.equal(decideRollout(plan, { stepIndex: 0, stepStartedAt: started }, healthy, at('2026-12-06T10:04:59Z')).action, 'hold');
    assert.deepEqual(
      decideRollout(plan, { stepIndex: 0, stepStartedAt: started }, healthy, at('2026-12-06T10:05:00Z')),
      { action: 'advance', stepIndex: 1, trafficPercent: 50, reason: 'step 1 at 10% baked 5 min healthy' },
    );
  });

  it('completes once the last step has baked', () => {
    assert.equal(decideRollout(plan, { stepIndex: 2, stepStartedAt: started }, healthy, at(started)).action, 'complete');
  });

  it('rolls back on any breached guard, before the bake time is up, naming each breach', () => {
    const bad = { predictions: 50, errors: 10, p95LatencyMs: 450, onlineMetric: 0.01 };
    const decision = decideRollout(plan, { stepIndex: 0, stepStartedAt: started }, bad, at('2026-12-06T10:01:00Z'));
    assert.equal(decision.action, 'roll_back');
    assert.deepEqual(decision.action === 'roll_back' && decision.breaches, [
      { guard: 'error_rate', limit: 0.1, actual: 0.2 },
      { guard: 'p95_latency', limit: 200, actual: 450 },
      { guard: 'online_metric', limit: 0.02, actual: 0.01 },
    ]);
  });

  it('judges nothing on fewer predictions than the plan asks for', () => {
    assert.deepEqual(guardBreaches(plan, { predictions: 9, errors: 9, p95LatencyMs: 10_000 }), []);
    assert.equal(guardBreaches(plan, { predictions: 10, errors: 9, p95LatencyMs: null }).length, 1);
  });

  it('ignores latency and online-metric guards without figures for them', () => {
    assert.deepEqual(guardBreaches(plan, { predictions: 100, errors: 0, p95LatencyMs: null, onlineMetric: null }), []);
  });

  it('splits the endpoint between champion and challenger at the step\'s share', () => {
    assert.deepEqual(rolloutSplit('1', '2', 10), { '1': 90, '2': 10 });
    assert.deepEqual(rolloutSplit('1', '2', 100), { '1': 0, '2': 100 });
  });

  it('refuses plans whose steps do not rise to 100, with the field path at fault', () => {
    const result = RolloutPlan.safeParse({ steps: [{ trafficPercent: 50, bakeMinutes: 1 }, { trafficPercent: 50, bakeMinutes: 1 }] });
    assert.equal(result.success, false);
    assert.deepEqual(result.error!.issues.map((i) => i.path.join('.')).sort(), ['steps.1.trafficPercent', 'steps.1.trafficPercent']);
    assert.equal(RolloutPlan.safeParse({ steps: [{ trafficPercent: 10, bakeMinutes: 1 }, { trafficPercent: 100, bakeMinutes: 0 }] }).success, true);
  });
});
