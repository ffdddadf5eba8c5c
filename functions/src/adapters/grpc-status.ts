import type { DomainError } from '../../../shared/errors';
import { UpstreamFailedError, UpstreamUnavailableError } from '../../../shared/register-ports';

/** gRPC status codes the adapters act on. */
export const GRPC = {
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  FAILED_PRECONDITION: 9,
} as const;

/** DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE: worth retrying later. */
export const TRANSIENT_GRPC_CODES: ReadonlySet<number> = new Set([4, 8, 10, 13, 14]);

export function grpcCode(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : null;
}

/** A Google client's error as the ports' error: transient ones ask the caller to retry. */
export function upstreamError(service: string, error: unknown): DomainError {
  const code = grpcCode(error);
  const message = (error as { details?: string; message?: string } | null)?.details || (error as Error)?.message || String(error);
  return code !== null && TRANSIENT_GRPC_CODES.has(code)
    ? new UpstreamUnavailableError(service, message)
    : new UpstreamFailedError(service, message, code);
}
