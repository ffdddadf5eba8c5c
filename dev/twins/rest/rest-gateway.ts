// A REST (HTTP/JSON) front for a twin's gRPC server, driven by the `google.api.http` annotations of the protos:
// each HTTP request is transcoded to its RPC's request message and forwarded over loopback gRPC to the twin,
// as Google's front ends (and grpc-gateway) forward to their gRPC backends. Both transports so reach the same
// handlers and state, faults included. Requests and responses use the proto3 JSON mapping (lowerCamelCase
// names, RFC 3339 timestamps, `@type` in Any) with the serializer google-gax's own REST transport uses.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { grpc, type protobuf } from 'google-gax';
import { fromProto3JSON, toProto3JSON, type JSONValue } from 'proto3-json-serializer';
import { envelopeForServiceError, errorEnvelope, type ErrorEnvelope } from './google-error';
import { httpBindings, type HttpBinding, type HttpRule } from './http-bindings';
import { omitDefaults } from './omit-defaults';
import { BadRequest, requestJson } from './request-json';

export type { HttpRule } from './http-bindings';

export interface RestGatewayOptions {
  /** A protobufjs root holding the services (with their annotations), every type an Any may carry, and google.rpc.Status. */
  root: protobuf.Root;
  /** Full names of the services to serve (`google.cloud.scheduler.v1.CloudScheduler`). */
  services: string[];
  /** The twin's gRPC server, `127.0.0.1:port`. */
  grpcAddress: string;
  /** Rules replacing a method's annotation, by selector (a service config's `http.rules`). */
  httpRules?: HttpRule[];
  /** Default: a free port. */
  port?: number;
}

export interface RestGateway {
  readonly port: number;
  /** `http://127.0.0.1:port` */
  readonly url: string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const identity = (buffer: Buffer) => buffer;

/** Routes verbs first: `…/jobs/{id}:pause` must not be read as a job named `{id}:pause`. */
function route(bindings: HttpBinding[], httpMethod: string, path: string): { binding: HttpBinding; fields: Record<string, string> } | undefined {
  for (const binding of bindings) {
    if (binding.httpMethod !== httpMethod) continue;
    const fields = binding.template.match(path);
    if (fields) return { binding, fields };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<JSONValue | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as JSONValue;
  } catch (error) {
    throw new BadRequest(`Invalid JSON payload received. ${error instanceof Error ? error.message : 'Unexpected token.'}`);
  }
}

function send(res: ServerResponse, httpStatus: number, json: unknown): void {
  const body = `${JSON.stringify(json, null, 2)}\n`;
  res.writeHead(httpStatus, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const sendError = (res: ServerResponse, envelope: ErrorEnvelope) => send(res, envelope.httpStatus, envelope.body);

export async function startRestGateway(opts: RestGatewayOptions): Promise<RestGateway> {
  const bindings = opts.services
    .flatMap((name) => httpBindings(opts.root.lookupService(name), opts.httpRules))
    .sort((a, b) => Number(Boolean(b.template.verb)) - Number(Boolean(a.template.verb)));
  const backend = new grpc.Client(opts.grpcAddress, grpc.credentials.createInsecure());

  const forward = (binding: HttpBinding, request: Buffer, metadata: grpc.Metadata) =>
    new Promise<Buffer>((resolve, reject) => {
      backend.makeUnaryRequest(binding.grpcPath, identity, identity, request, metadata, (error, response) => (error ? reject(error) : resolve(response!)));
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://twin');
    const found = route(bindings, req.method ?? 'GET', url.pathname);
    if (!found) {
      sendError(res, errorEnvelope(grpc.status.NOT_FOUND, `The requested URL ${url.pathname} was not found on this server.`));
      return;
    }
    const { binding, fields } = found;
    const json = requestJson(binding, { pathFields: fields, query: url.searchParams, body: await readBody(req) });
    const requestType = binding.method.resolvedRequestType!;
    let message: protobuf.Message;
    try {
      message = fromProto3JSON(requestType, json) as protobuf.Message;
    } catch (error) {
      throw new BadRequest(`Invalid JSON payload received. ${error instanceof Error ? error.message : String(error)}`);
    }
    const metadata = new grpc.Metadata();
    for (const header of ['authorization', 'x-goog-request-params', 'x-goog-user-project']) {
      const value = req.headers[header];
      if (typeof value === 'string') metadata.set(header, value);
    }
    let reply: Buffer;
    try {
      reply = await forward(binding, Buffer.from(requestType.encode(message).finish()), metadata);
    } catch (error) {
      sendError(res, envelopeForServiceError(error as grpc.ServiceError, opts.root));
      return;
    }
    // `$alt=json;enum-encoding=int` is how google-gax's REST transport asks for enums as numbers.
    const numericEnums = /enum-encoding=int/.test(url.searchParams.get('$alt') ?? url.searchParams.get('alt') ?? '');
    const decoded = binding.method.resolvedResponseType!.decode(reply);
    omitDefaults(decoded);
    const response = toProto3JSON(decoded, { numericEnums }) ?? {};
    send(res, 200, binding.responseBody ? (response as Record<string, unknown>)[binding.responseBody] ?? null : response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BadRequest) sendError(res, errorEnvelope(grpc.status.INVALID_ARGUMENT, error.message));
      else {
        console.error('rest gateway: request failed', error);
        if (!res.headersSent) sendError(res, errorEnvelope(grpc.status.INTERNAL, 'Internal error encountered.'));
        else res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      backend.close();
    },
  };
}
