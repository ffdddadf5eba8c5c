// Google's JSON error envelope, as its REST front end answers a failed RPC:
//   {"error": {"code": 404, "message": "…", "status": "NOT_FOUND", "details": [{"@type": "…", …}]}}
import { grpc, protobuf } from 'google-gax';
import { toProto3JSON, type JSONObject } from 'proto3-json-serializer';

// google.rpc.Code → HTTP status, as google/rpc/code.proto documents each code.
const HTTP_STATUS: Record<number, number> = {
  0: 200, 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501,
  13: 500, 14: 503, 15: 500, 16: 401,
};

export interface ErrorEnvelope {
  httpStatus: number;
  body: { error: { code: number; message: string; status: string; details?: JSONObject[] } };
}

export function errorEnvelope(code: number, message: string, details: JSONObject[] = []): ErrorEnvelope {
  const httpStatus = HTTP_STATUS[code] ?? 500;
  const status = grpc.status[code] ?? 'UNKNOWN';
  return { httpStatus, body: { error: { code: httpStatus, message, status, ...(details.length ? { details } : {}) } } };
}

/** The envelope for a gRPC error: its details come from the `grpc-status-details-bin` trailer (a google.rpc.Status). */
export function envelopeForServiceError(error: grpc.ServiceError, root: protobuf.Root): ErrorEnvelope {
  const trailer = error.metadata?.get('grpc-status-details-bin')[0];
  let details: JSONObject[] = [];
  if (trailer instanceof Buffer) {
    const status = root.lookupType('google.rpc.Status').decode(trailer);
    details = ((toProto3JSON(status) as JSONObject).details as JSONObject[] | undefined) ?? [];
  }
  return errorEnvelope(error.code, error.details, details);
}
