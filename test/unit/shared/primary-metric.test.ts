import assert from 'node:assert/strict';
import { bestScore, primaryMetric } from '../../../shared/domain/primary-metric';

describe('primaryMetric and bestScore', () => {
  it('judges ranking models by RMSE and the others by recall@100', () => {
    assert.equal(primaryMetric('ranking', { rmse: 0.4, recall_at_100: 0.9 })?.label, 'RMSE');
    for (const type of ['retrieval', 'hybrid', 'multitask'] as const) {
      assert.equal(primaryMetric(type, { rmse: 0.4, recall_at_100: 0.9 })?.label, 'R@100');
    }
    assert.equal(primaryMetric('retrieval', { loss: 1 }), null);
  });

  it('orders recall versions first (higher first), then ranking (lower RMSE first), then none', () => {
    const scores = [
      bestScore('retrieval', { recall_at_100: 0.2 }),
      bestScore('retrieval', { recall_at_100: 0.9 }),
      bestScore('ranking', { rmse: 0.1 }),
      bestScore('ranking', { rmse: 3 }),
      bestScore('hybrid', {}),
    ];
    const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    assert.deepEqual(order, [1, 0, 2, 3, 4]);
  });
});
