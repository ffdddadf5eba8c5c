import { grpc } from 'google-gax';

export interface FieldViolation {
  field: string;
  description: string;
}

/** An error answered to the client with a gRPC status code (and, like Vertex, a BadRequest detail for field errors). */
export class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
    readonly fieldViolations: FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const invalidArgument = (message: string, violations?: FieldViolation[]) =>
  new RpcError(grpc.status.INVALID_ARGUMENT, message, violations);
export const notFound = (message: string) => new RpcError(grpc.status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new RpcError(grpc.status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new RpcError(grpc.status.FAILED_PRECONDITION, message);
export const permissionDenied = (message: string) => new RpcError(grpc.status.PERMISSION_DENIED, message);

/** Vertex reports request validation as "List of found errors: 1.Field: x; Message: y" plus BadRequest field violations. */
export function fieldErrors(violations: FieldViolation[]): RpcError {
  const list = violations.map((v, i) => `${i + 1}.Field: ${v.field}; Message: ${v.description}\t`).join('');
  return invalidArgument(`List of found errors:\t${list}`, violations);
}

/** Checks a field the API marks REQUIRED. */
export function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined || value === '') {
    throw fieldErrors([{ field, description: 'Required field is not set.' }]);
  }
  return value;
}
