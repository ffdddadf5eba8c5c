import assert from 'node:assert/strict';
import { MAX_AUTOMATIC_MIRROR_ATTEMPTS, MIRROR_LEASE_MS, nextMirrorRetryAt, pendingMirror } from '../../../shared/domain/mirror-retry-policy';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const delayOf = (attempts: number) => Date.parse(nextMirrorRetryAt(NOW, attempts, true)!) - NOW.getTime();

describe('mirror retry policy', () => {
  it('retries a transient failure after a minute, doubling per failed call up to an hour', () => {
    assert.deepEqual([3, 6, 9, 12, 15, 18, 21, 45].map((a) => delayOf(a) / 60_000), [1, 2, 4, 8, 16, 32, 60, 60]);
    assert.equal(delayOf(1), 60_000, 'a single failed upload counts as one call');
  });

  it('leaves a permanent failure, or one tried too often, to a person', () => {
    assert.equal(nextMirrorRetryAt(NOW, 1, false), null);
    assert.equal(nextMirrorRetryAt(NOW, MAX_AUTOMATIC_MIRROR_ATTEMPTS, true), null);
    assert.notEqual(nextMirrorRetryAt(NOW, MAX_AUTOMATIC_MIRROR_ATTEMPTS - 1, true), null);
  });

  it('lets a pending mirror be taken over once its lease is past', () => {
    const vertex = pendingMirror('recs-v1', NOW);
    assert.equal(vertex.state, 'pending');
    assert.equal(Date.parse(vertex.nextRetryAt!) - NOW.getTime(), MIRROR_LEASE_MS);
  });
});
