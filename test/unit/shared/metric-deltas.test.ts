import assert from 'node:assert/strict';
import { metricDeltas } from '../../../shared/domain/metric-deltas';

describe('metricDeltas', () => {
  it("reproduces the seed's v2 → v3 table with arrows and whether each change is good", () => {
    const deltas = metricDeltas({ recall_at_100: 0.801, recall_at_50: 0.654, loss: 0.35 }, { recall_at_100: 0.823, recall_at_50: 0.687, loss: 0.31 });
    assert.deepEqual(deltas.map((d) => [d.metric, d.change, d.direction, d.improved]), [
      ['loss', -0.04, 'down', true],
      ['recall_at_100', 0.022, 'up', true],
      ['recall_at_50', 0.033, 'up', true],
    ]);
  });

  it('treats a rising RMSE as a regression and lists metrics present on one side only', () => {
    const deltas = metricDeltas({ rmse: 0.4 }, { rmse: 0.5, mae: 0.2 });
    assert.deepEqual(deltas.find((d) => d.metric === 'rmse')?.improved, false);
    assert.deepEqual(deltas.find((d) => d.metric === 'mae'), { metric: 'mae', from: null, to: 0.2, change: null, direction: null, improved: null });
  });

  it('has no previous side for a first version', () => {
    assert.equal(metricDeltas(null, { loss: 1 })[0]?.change, null);
  });
});
