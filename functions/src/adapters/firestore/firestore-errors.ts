import { DomainError } from '../../../../shared/errors';
import { UpstreamFailedError, UpstreamUnavailableError } from '../../../../shared/register-ports';
import { TRANSIENT_GRPC_CODES } from '../grpc-status';

const INVALID_ARGUMENT = 3;
/** A transaction the backend forgot (expired, or lost in a restart): running it again can succeed. */
const LOST_TRANSACTION = /transaction (has expired|is invalid|is no longer valid)|transaction is invalid or closed/i;

/** Firestore client errors as domain errors (503 when a retry may succeed); domain errors pass through. */
export function translateFirestoreError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return error;
  const message = (error as Error).message;
  const transient = TRANSIENT_GRPC_CODES.has(code) || isLostTransaction(error);
  return transient ? new UpstreamUnavailableError('Firestore', message) : new UpstreamFailedError('Firestore', message, code);
}

export function isLostTransaction(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === INVALID_ARGUMENT && typeof message === 'string' && LOST_TRANSACTION.test(message);
}

export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translateFirestoreError(error);
  }
}
