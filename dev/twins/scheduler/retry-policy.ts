import type { RetryConfig } from './wire';
import { durationToMs, msToDuration } from './wire';

const DEFAULT_MIN_BACKOFF_MS = 5_000;
const DEFAULT_MAX_BACKOFF_MS = 3_600_000;
const DEFAULT_MAX_DOUBLINGS = 5;

/** The retry config Cloud Scheduler reports for a job, with its documented defaults filled in. */
export function withRetryDefaults(config: RetryConfig | undefined): RetryConfig {
  return {
    retryCount: config?.retryCount ?? 0,
    maxRetryDuration: config?.maxRetryDuration ?? msToDuration(0),
    minBackoffDuration: config?.minBackoffDuration ?? msToDuration(DEFAULT_MIN_BACKOFF_MS),
    maxBackoffDuration: config?.maxBackoffDuration ?? msToDuration(DEFAULT_MAX_BACKOFF_MS),
    // proto3 cannot tell an explicit 0 from unset; the service treats both as the default.
    maxDoublings: config?.maxDoublings || DEFAULT_MAX_DOUBLINGS,
  };
}

/**
 * Wait before retry number `retryIndex` (0 = first retry), as RetryConfig documents: start at the minimum,
 * double `maxDoublings` times, then grow linearly by the last doubled interval, never above the maximum.
 */
export function backoffMs(config: RetryConfig, retryIndex: number): number {
  const min = durationToMs(config.minBackoffDuration, DEFAULT_MIN_BACKOFF_MS);
  const max = durationToMs(config.maxBackoffDuration, DEFAULT_MAX_BACKOFF_MS);
  const doublings = config.maxDoublings || DEFAULT_MAX_DOUBLINGS;
  const interval = retryIndex <= doublings
    ? min * 2 ** retryIndex
    : min * 2 ** doublings * (1 + retryIndex - doublings);
  return Math.min(interval, max);
}
