/**
 * Domain errors carry a stable machine-readable `code`; only the HTTP layer maps codes to statuses
 * (functions/src/http/error-status.ts), so use cases never think in HTTP.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'ALREADY_EXISTS'
  | 'VERSION_MISMATCH'
  | 'NOT_BLESSED'
  | 'POLICY_FAILED'
  | 'NOT_DEPLOYED'
  | 'TRAFFIC_CHANGED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_FAILED'
  | 'PREDICTION_FAILED'
  | 'INTEGRITY_FAILED'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `query.page_size` or `body.trafficSplit.0`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

function firstIssue(fields: FieldIssue[]): string {
  const [first] = fields;
  if (!first) return 'The request is invalid';
  return `${first.path} ${first.message}${fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''}`;
}

export class ValidationError extends DomainError {
  /** The default message names the first bad field, so that it reads on its own (`query.page_size must be …`). */
  constructor(readonly fields: FieldIssue[], message = firstIssue(fields)) {
    super('VALIDATION_FAILED', message, { fields });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} '${id}' was not found`, { resource: what, id });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'A valid bearer token is required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(required: string, actual: string | null) {
    super('FORBIDDEN', `This action needs the '${required}' role${actual ? ` (you have '${actual}')` : ''}`, {
      requiredRole: required,
      role: actual,
    });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}, code: ErrorCode = 'CONFLICT') {
    super(code, message, details);
  }
}

export class ConfigError extends DomainError {
  constructor(readonly variable: string, problem: string) {
    super('CONFIG_INVALID', `Invalid configuration: ${variable} ${problem}`, { variable });
  }
}
