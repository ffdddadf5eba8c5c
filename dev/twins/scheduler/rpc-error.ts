import { grpc } from 'google-gax';

/** An error the gRPC server sends back as a status (grpc-js reads `code` and `details`). */
export class RpcError extends Error {
  readonly details: string;
  constructor(readonly code: grpc.status, message: string) {
    super(message);
    this.details = message;
  }
}

export const invalidArgument = (message: string) => new RpcError(grpc.status.INVALID_ARGUMENT, message);
