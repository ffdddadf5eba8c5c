import type { VersionSignature } from '../schemas/model-version';

/**
 * When a version's signature is tried again by the minute job (drainOutbox), as its Vertex AI
 * mirror is: a signing failure never loses the version, it waits on the version for a retry.
 */

/** A signature left `pending` this long is assumed abandoned (its instance died) and taken over. */
export const SIGNING_LEASE_MS = 10 * 60_000;
/** Past this many attempts, a failure waits for a person (the version stays registered, unsigned). */
export const MAX_AUTOMATIC_SIGNING_ATTEMPTS = 30;
const FIRST_DELAY_MS = 60_000;
const LONGEST_DELAY_MS = 60 * 60_000;

export function pendingSignature(now: Date): VersionSignature {
  return {
    state: 'pending', keyVersion: null, keyHint: null, signedAt: null, bundleDigest: null, error: null, attempts: 0,
    updatedAt: now.toISOString(), nextRetryAt: new Date(now.getTime() + SIGNING_LEASE_MS).toISOString(),
  };
}

/** One minute after the first failure, doubling up to an hour; a permanent failure (KMS refused) is left to a person. */
export function nextSigningRetryAt(now: Date, attempts: number, transient: boolean): string | null {
  if (!transient || attempts >= MAX_AUTOMATIC_SIGNING_ATTEMPTS) return null;
  const delay = Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_DELAY_MS);
  return new Date(now.getTime() + delay).toISOString();
}
