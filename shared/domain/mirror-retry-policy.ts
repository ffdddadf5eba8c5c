import type { ModelVersion } from '../schemas/model-version';

/**
 * When a version's Vertex AI mirror is tried again by the minute job (drainOutbox), without anyone
 * calling POST /api/training-runs/{id}/register.
 */

/**
 * A mirror left `pending` this long is assumed abandoned (its instance died) and may be taken over:
 * above the 9-minute limit of event-driven functions, so a live attempt is never overtaken.
 */
export const MIRROR_LEASE_MS = 10 * 60_000;
/** Past this many uploads tried, a failure waits for a person (the retry route) instead. */
export const MAX_AUTOMATIC_MIRROR_ATTEMPTS = 60;
const FIRST_DELAY_MS = 60_000;
const LONGEST_DELAY_MS = 60 * 60_000;
/** Uploads one call tries (registration, retry route, sweep): the backoff doubles per call, not per upload. */
const ATTEMPTS_PER_CALL = 3;

type VertexState = ModelVersion['vertex'];

/** The `vertex` field of a version just registered: pending, and taken over by the sweep if it stays so. */
export function pendingMirror(displayName: string, now: Date, attempts = 0): VertexState {
  return {
    state: 'pending', displayName, attempts, updatedAt: now.toISOString(), modelResourceName: null, versionId: null, error: null,
    nextRetryAt: new Date(now.getTime() + MIRROR_LEASE_MS).toISOString(),
  };
}

/**
 * The next automatic retry of a failed mirror: transient failures back off from one minute to an
 * hour; a permanent failure (Vertex refused the request) or one tried too often is left to a person.
 */
export function nextMirrorRetryAt(now: Date, attempts: number, transient: boolean): string | null {
  if (!transient || attempts >= MAX_AUTOMATIC_MIRROR_ATTEMPTS) return null;
  const calls = Math.max(1, Math.ceil(attempts / ATTEMPTS_PER_CALL));
  const delay = Math.min(FIRST_DELAY_MS * 2 ** (calls - 1), LONGEST_DELAY_MS);
  return new Date(now.getTime() + delay).toISOString();
}
