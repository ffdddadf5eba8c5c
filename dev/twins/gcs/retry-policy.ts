/**
 * When an Eventarc trigger with RETRY_POLICY_RETRY delivers a failed event again. Eventarc's
 * transport is a Pub/Sub push subscription: a message that was not acknowledged (non-2xx answer,
 * or no answer within the ack deadline, which follows the function's timeout) is pushed again after
 * an exponential backoff between 10 s and 600 s, for as long as the subscription retains it
 * (Eventarc sets 24 h); then it is discarded. https://cloud.google.com/eventarc/docs/retry-events
 */
export interface RetryPolicy {
  /** Wait after the first failed attempt; doubles after each further one. */
  minBackoffMs: number;
  /** The longest wait between two attempts. */
  maxBackoffMs: number;
  /** How long after publication an event may still be delivered. */
  retentionMs: number;
}

export const EVENTARC_RETRY_POLICY: RetryPolicy = {
  minBackoffMs: 10_000,
  maxBackoffMs: 600_000,
  retentionMs: 24 * 60 * 60 * 1000,
};

/** The wait after the n-th failed attempt (n ≥ 1): minBackoff · 2^(n−1), capped at maxBackoff. */
export function backoffMs(failedAttempts: number, policy: RetryPolicy): number {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) throw new RangeError(`failedAttempts must be an integer ≥ 1, got ${failedAttempts}`);
  // Capped before it can overflow: 2^1000 is Infinity, which min() also caps, but say so plainly.
  const doublings = Math.min(failedAttempts - 1, 64);
  return Math.min(policy.minBackoffMs * 2 ** doublings, policy.maxBackoffMs);
}

/**
 * The wait before the next attempt after `failedAttempts` failures, the last of them ending
 * `elapsedMs` after the event was published; null when that attempt would come after the
 * retention window (the event is then discarded).
 */
export function nextAttemptDelayMs(failedAttempts: number, elapsedMs: number, policy: RetryPolicy): number | null {
  const wait = backoffMs(failedAttempts, policy);
  return elapsedMs + wait <= policy.retentionMs ? wait : null;
}

/** Checks an explicit policy: positive durations, minBackoff ≤ maxBackoff. */
export function validRetryPolicy(policy: RetryPolicy): RetryPolicy {
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  if (policy.minBackoffMs > policy.maxBackoffMs) throw new RangeError(`minBackoffMs (${policy.minBackoffMs}) is above maxBackoffMs (${policy.maxBackoffMs})`);
  return policy;
}
