import assert from 'node:assert/strict';
import { evaluatePromotion, type SignatureFact } from '../../../shared/domain/promotion-policy';
import { AliasRule, PolicyBody } from '../../../shared/schemas/policy';
import { makeVersion } from '../../support/fixtures';

const signed = (bundleDigest: string) => ({ state: 'signed' as const, keyVersion: 'k/1', keyHint: 'h', signedAt: '2026-12-06T00:00:00.000Z', bundleDigest, error: null, attempts: 1, updatedAt: null, nextRetryAt: null });
const candidate = makeVersion({ version: 3, blessed: true, metrics: { recall_at_100: 0.9, rmse: 0.5 }, signature: signed('sha256:b') });
const holder = makeVersion({ version: 1, blessed: true, metrics: { recall_at_100: 0.8, rmse: 0.7 } });
const verified: SignatureFact = { verified: true, bundleDigest: 'sha256:b', keyHint: 'h' };
const rule = (over: Record<string, unknown>) => AliasRule.parse(over);
const approvals = (...actors: string[]) => actors.map((actor) => ({ actor, at: '2026-12-06T00:00:00.000Z', reason: null }));

describe('promotion policy', () => {
  it('passes a version that meets every rule, listing each rule it passed', () => {
    const result = evaluatePromotion(rule({
      metrics: [{ metric: 'recall_at_100', threshold: 0.85, margin: 0.05 }, { metric: 'rmse', better: 'lower', threshold: 0.6, margin: 0.1 }], approvals: 2,
    }), { candidate, holder, signature: verified, approvals: approvals('a@x', 'b@x') });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.passed, ['signature', 'blessed', 'metrics.recall_at_100.threshold', 'metrics.recall_at_100.margin', 'metrics.rmse.threshold', 'metrics.rmse.margin', 'approvals']);
  });

  it('names every failed rule, not only the first', () => {
    const weak = makeVersion({ version: 2, blessed: false, metrics: { recall_at_100: 0.82, rmse: 0.65 } });
    const result = evaluatePromotion(rule({
      metrics: [{ metric: 'recall_at_100', threshold: 0.85, margin: 0.05 }, { metric: 'rmse', better: 'lower', margin: 0.1 }, { metric: 'ndcg', threshold: 0.1 }], approvals: 2,
    }), { candidate: weak, holder, signature: { verified: false, problem: 'not signed' }, approvals: approvals('a@x', 'a@x') });
    assert.deepEqual(result.failures.map((f) => f.rule), [
      'signature', 'blessed', 'metrics.recall_at_100.threshold', 'metrics.recall_at_100.margin', 'metrics.rmse.margin', 'metrics.ndcg.threshold', 'approvals',
    ]);
    assert.equal(result.failures[3]!.message, "recall_at_100 0.82 does not beat recs-prod-v1's 0.8 by 0.05 (needs ≥ 0.85)");
    assert.equal(result.failures[4]!.message, "rmse 0.65 does not beat recs-prod-v1's 0.7 by 0.1 (needs ≤ 0.6)");
    assert.equal(result.failures.at(-1)!.message, '1 of 2 approvals by distinct deployers');
  });

  it('refuses a signature that verified for another bundle than the version records, and one never checked', () => {
    const moved = { verified: true as const, bundleDigest: 'sha256:other', keyHint: 'h' };
    assert.deepEqual(evaluatePromotion(rule({}), { candidate, holder, signature: moved, approvals: [] }).failures.map((f) => f.rule), ['signature']);
    assert.match(evaluatePromotion(rule({}), { candidate, holder, signature: null, approvals: [] }).failures[0]!.message, /signature was not checked \(signing is not configured/);
  });

  it('has nothing to beat when the alias names no version or one without the metric', () => {
    const margin = rule({ metrics: [{ metric: 'recall_at_100', margin: 0.5 }], requireSignature: false });
    assert.deepEqual(evaluatePromotion(margin, { candidate, holder: null, signature: null, approvals: [] }).failures, []);
    const bare = makeVersion({ version: 1, blessed: true, metrics: {} });
    assert.deepEqual(evaluatePromotion(margin, { candidate, holder: bare, signature: null, approvals: [] }).failures, []);
  });

  it('does not require what the rule turns off', () => {
    const pending = makeVersion({ version: 4, blessed: null });
    assert.deepEqual(evaluatePromotion(rule({ requireSignature: false, requireBlessed: false }), { candidate: pending, holder, signature: null, approvals: [] }), { passed: [], failures: [] });
    assert.match(evaluatePromotion(rule({ requireSignature: false }), { candidate: pending, holder, signature: null, approvals: [] }).failures[0]!.message, /still pending evaluation/);
  });

  it('refuses a policy body naming the fields at fault', () => {
    const result = PolicyBody.safeParse({ protectedAliases: { latest: {}, Prod: {}, prod: { approvals: 11, metrics: [{ metric: 'recall_at_100' }] } } });
    assert.equal(result.success, false);
    assert.deepEqual(result.error!.issues.map((i) => i.path.join('.')).sort(), ['protectedAliases.Prod', 'protectedAliases.latest', 'protectedAliases.prod.approvals', 'protectedAliases.prod.metrics.0']);
  });
});
