import { grpc } from 'google-gax';
import type { RpcStatus } from './wire';

const BY_HTTP_STATUS: Record<number, grpc.status> = {
  400: grpc.status.INVALID_ARGUMENT,
  401: grpc.status.UNAUTHENTICATED,
  403: grpc.status.PERMISSION_DENIED,
  404: grpc.status.NOT_FOUND,
  409: grpc.status.ABORTED,
  412: grpc.status.FAILED_PRECONDITION,
  429: grpc.status.RESOURCE_EXHAUSTED,
  499: grpc.status.CANCELLED,
  501: grpc.status.UNIMPLEMENTED,
  503: grpc.status.UNAVAILABLE,
  504: grpc.status.DEADLINE_EXCEEDED,
};

/** Job.status after an attempt answered `httpStatus`, using google.rpc.Code's HTTP mapping. */
export function statusForHttp(httpStatus: number): RpcStatus {
  if (httpStatus >= 200 && httpStatus < 300) return {};
  const code = BY_HTTP_STATUS[httpStatus]
    ?? (httpStatus >= 500 ? grpc.status.INTERNAL : httpStatus >= 400 ? grpc.status.FAILED_PRECONDITION : grpc.status.UNKNOWN);
  return { code, message: `The target answered HTTP ${httpStatus}.` };
}
