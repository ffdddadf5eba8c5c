/** The subset of google.cloud.scheduler.v1 messages the twin reads and writes, as proto-loader decodes them. */

export interface Timestamp { seconds?: string | number; nanos?: number }
export type Duration = Timestamp;

export type HttpMethod = 'HTTP_METHOD_UNSPECIFIED' | 'POST' | 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';
export type JobState = 'STATE_UNSPECIFIED' | 'ENABLED' | 'PAUSED' | 'DISABLED' | 'UPDATE_FAILED';

export interface OidcToken { serviceAccountEmail?: string; audience?: string }

export interface HttpTarget {
  uri?: string;
  httpMethod?: HttpMethod;
  headers?: Record<string, string>;
  body?: Uint8Array;
  oidcToken?: OidcToken;
  oauthToken?: { serviceAccountEmail?: string; scope?: string };
}

export interface RetryConfig {
  retryCount?: number;
  maxRetryDuration?: Duration;
  minBackoffDuration?: Duration;
  maxBackoffDuration?: Duration;
  maxDoublings?: number;
}

export interface RpcStatus { code?: number; message?: string }

export interface Job {
  name?: string;
  description?: string;
  pubsubTarget?: object;
  appEngineHttpTarget?: object;
  httpTarget?: HttpTarget;
  schedule?: string;
  timeZone?: string;
  userUpdateTime?: Timestamp;
  state?: JobState;
  status?: RpcStatus;
  scheduleTime?: Timestamp;
  lastAttemptTime?: Timestamp;
  retryConfig?: RetryConfig;
  attemptDeadline?: Duration;
}

export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function durationToMs(duration: Duration | undefined, fallbackMs: number): number {
  if (!duration) return fallbackMs;
  return Number(duration.seconds ?? 0) * 1000 + Math.floor((duration.nanos ?? 0) / 1_000_000);
}

export function msToDuration(ms: number): Duration {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/** `projects/p/locations/l/jobs/{id}` → `{id}`. */
export function jobIdOf(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
