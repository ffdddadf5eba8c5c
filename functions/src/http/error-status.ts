import { DomainError, type ErrorCode } from '../../../shared/errors';
import type { ErrorBody } from '../../../shared/schemas/api';

/** The one place where error codes become HTTP statuses. */
const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  VERSION_MISMATCH: 409,
  NOT_BLESSED: 409,
  POLICY_FAILED: 409,
  NOT_DEPLOYED: 409,
  TRAFFIC_CHANGED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTEGRITY_FAILED: 500,
  UPSTREAM_FAILED: 502,
  // The deployed model's server failed the request (Vertex answered, the model did not).
  PREDICTION_FAILED: 502,
  UPSTREAM_UNAVAILABLE: 503,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}

export interface ErrorReply {
  status: number;
  body: ErrorBody;
  /** Unexpected errors are logged with their stack; expected ones are not noise (5xx ones get a warning). */
  unexpected: boolean;
}

export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof DomainError) {
    const status = statusOf(error.code);
    return {
      status,
      body: { error: { code: error.code, message: error.message, ...error.details } },
      // A stable code is an outcome the code foresaw (a model server failing, Vertex unavailable), not a bug.
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'Something went wrong on our side; it has been logged.' } },
    unexpected: true,
  };
}
