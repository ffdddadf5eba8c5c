import { DomainError } from '../../../../shared/errors';
import { UpstreamFailedError, UpstreamUnavailableError } from '../../../../shared/register-ports';

// gRPC codes Firestore answers that are worth retrying: a transaction lost a race too often, or
// the service is briefly unavailable.
const TRANSIENT_CODES = new Set([4, 8, 10, 13, 14]);

/** Firestore client errors as domain errors (503 when a retry may succeed); domain errors pass through. */
export function translateFirestoreError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return error;
  const message = (error as Error).message;
  return TRANSIENT_CODES.has(code) ? new UpstreamUnavailableError('Firestore', message) : new UpstreamFailedError('Firestore', message, code);
}

export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translateFirestoreError(error);
  }
}
