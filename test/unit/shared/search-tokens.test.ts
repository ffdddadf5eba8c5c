import assert from 'node:assert/strict';
import { MAX_TOKEN_LENGTH, planSearch, searchTokens } from '../../../shared/domain/search-tokens';

describe('search tokens', () => {
  it('contains every substring up to the token length, lower-cased', () => {
    const tokens = new Set(searchTokens('Recs-Prod-V3'));
    for (const q of ['r', 'recs', 'prod-v3', 's-p', 'recs-prod-v3', '-v3']) assert.ok(tokens.has(q), q);
    assert.ok(!tokens.has('Recs'));
  });

  it('keeps non-ASCII characters whole', () => {
    const tokens = new Set(searchTokens('Zürich-ÉTÉ'));
    assert.ok(tokens.has('zürich'));
    assert.ok(tokens.has('été'));
    assert.ok([...tokens].every((t) => t.isWellFormed()));
  });

  it('stays bounded for long names', () => {
    const tokens = searchTokens('x'.repeat(500) + 'abcdefghijklmnopqrstuvwxyz'.repeat(3));
    assert.ok(tokens.length <= 64 * MAX_TOKEN_LENGTH);
  });

  it('looks up short queries exactly and filters long ones in memory', () => {
    assert.deepEqual(planSearch('PROD'), { token: 'prod', postFilter: null });
    const long = planSearch('hybrid-experiment');
    assert.equal(long.token, 'hybrid-exper');
    assert.equal(long.postFilter, 'hybrid-experiment');
  });
});
