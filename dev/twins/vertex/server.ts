import { grpc } from 'google-gax';
import { RpcError } from './errors';
import type { Faults } from './faults';
import type { VertexProtos } from './protos';
import type { ServiceHandlers } from './types';

export interface RunningServer {
  server: grpc.Server;
  port: number;
}

/** Serves the handlers of each service (by full name) on 127.0.0.1; methods without a handler answer UNIMPLEMENTED. */
export async function serve(protos: VertexProtos, faults: Faults, services: Record<string, ServiceHandlers>, port: number): Promise<RunningServer> {
  const server = new grpc.Server();
  for (const [serviceName, handlers] of Object.entries(services)) {
    const service = protos.definition[serviceName] as grpc.ServiceDefinition | undefined;
    if (!service) throw new Error(`service ${serviceName} is not in the loaded protos`);
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(handlers)) {
      const definition = service[method];
      if (!definition) throw new Error(`${serviceName} has no method ${method}`);
      implementation[method] = unary(definition.path, handler, faults, protos);
    }
    server.addService(service, implementation);
  }
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolve(actual)));
  });
  return { server, port: bound };
}

function unary(path: string, handler: ServiceHandlers[string], faults: Faults, protos: VertexProtos): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const fault = faults.take(path);
    if (fault) {
      callback({ code: fault.code, details: fault.message });
      return;
    }
    Promise.resolve()
      .then(() => handler(call.request as never))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error, path, protos)),
      );
  };
}

function toServiceError(error: unknown, path: string, protos: VertexProtos): Partial<grpc.StatusObject> {
  if (!(error instanceof RpcError)) {
    // A bug in the twin: answer INTERNAL but keep the stack where a developer will see it.
    console.error(`vertex twin: ${path} failed`, error);
    return { code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
  }
  const metadata = new grpc.Metadata();
  if (error.fieldViolations.length) {
    const badRequest = protos.pack('google.rpc.BadRequest', { fieldViolations: error.fieldViolations });
    metadata.set('grpc-status-details-bin', protos.encodeStatus({ code: error.code, message: error.message, details: [badRequest] }));
  }
  return { code: error.code, details: error.message, metadata };
}
