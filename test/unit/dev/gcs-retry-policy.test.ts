import assert from 'node:assert/strict';
import { EVENTARC_RETRY_POLICY, backoffMs, nextAttemptDelayMs, validRetryPolicy, type RetryPolicy } from '../../../dev/twins/gcs/retry-policy';

const SECOND = 1000;

/** Attempt start times (ms after publication) of an event every attempt of which fails at once. */
function attemptTimes(policy: RetryPolicy): number[] {
  const times = [0];
  for (;;) {
    const delay = nextAttemptDelayMs(times.length, times.at(-1)!, policy);
    if (delay === null) return times;
    times.push(times.at(-1)! + delay);
  }
}

describe('GCS twin retry policy (Eventarc, RETRY_POLICY_RETRY)', () => {
  it("defaults to Eventarc's: backoff from 10 s to 600 s, 24 h retention", () => {
    assert.deepEqual(EVENTARC_RETRY_POLICY, { minBackoffMs: 10 * SECOND, maxBackoffMs: 600 * SECOND, retentionMs: 24 * 3600 * SECOND });
  });

  it('doubles the wait after each failed attempt, from minBackoff up to maxBackoff, then stays there', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 100, 5000].map((n) => backoffMs(n, EVENTARC_RETRY_POLICY) / SECOND);
    assert.deepEqual(waits, [10, 20, 40, 80, 160, 320, 600, 600, 600, 600]);
  });

  it('caps a shortened policy the same way', () => {
    const policy = { minBackoffMs: 40, maxBackoffMs: 300, retentionMs: 10_000 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy)), [40, 80, 160, 300, 300]);
  });

  it('schedules attempts until the next one would fall after the retention window', () => {
    const times = attemptTimes({ minBackoffMs: 40, maxBackoffMs: 320, retentionMs: 1_500 });
    assert.deepEqual(times, [0, 40, 120, 280, 600, 920, 1240]);
  });

  it('counts the time spent in failed attempts against the retention window', () => {
    const policy = { minBackoffMs: 100, maxBackoffMs: 100, retentionMs: 1_000 };
    assert.equal(nextAttemptDelayMs(1, 900, policy), 100, 'an attempt exactly at the end of the window still happens');
    assert.equal(nextAttemptDelayMs(1, 901, policy), null);
  });

  it("makes 149 attempts in Eventarc's day when every attempt fails at once", () => {
    const times = attemptTimes(EVENTARC_RETRY_POLICY);
    // 10+20+40+80+160+320 s reach 630 s after six retries; then one every 600 s until 86,400 s.
    assert.equal(times.length, 1 + 6 + Math.floor((86_400 - 630) / 600));
    assert.ok(times.at(-1)! <= EVENTARC_RETRY_POLICY.retentionMs);
    assert.ok(times.at(-1)! + 600 * SECOND > EVENTARC_RETRY_POLICY.retentionMs);
  });

  it('refuses an attempt number below 1 and policies that are not positive or whose minimum exceeds the maximum', () => {
    assert.throws(() => backoffMs(0, EVENTARC_RETRY_POLICY), RangeError);
    assert.throws(() => backoffMs(1.5, EVENTARC_RETRY_POLICY), RangeError);
    assert.throws(() => validRetryPolicy({ minBackoffMs: 0, maxBackoffMs: 10, retentionMs: 10 }), /minBackoffMs must be a positive/);
    assert.throws(() => validRetryPolicy({ minBackoffMs: 10, maxBackoffMs: 10, retentionMs: Number.NaN }), /retentionMs must be a positive/);
    assert.throws(() => validRetryPolicy({ minBackoffMs: 20, maxBackoffMs: 10, retentionMs: 100 }), /minBackoffMs \(20\) is above maxBackoffMs \(10\)/);
    assert.deepEqual(validRetryPolicy(EVENTARC_RETRY_POLICY), EVENTARC_RETRY_POLICY);
  });
});
