import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromJSON, type PackageDefinition } from '@grpc/proto-loader';
import { protobuf } from 'google-gax';
import type { RpcStatus } from './types';

// Only the services the twin serves: parsing every aiplatform proto would take seconds.
const PROTO_FILES = [
  'google/cloud/aiplatform/v1/model_service.proto',
  'google/cloud/aiplatform/v1/endpoint_service.proto',
  'google/cloud/aiplatform/v1/pipeline_service.proto',
  'google/cloud/aiplatform/v1/prediction_service.proto',
  'google/longrunning/operations.proto',
  'google/rpc/error_details.proto',
];

const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** google.protobuf.Any: protobufjs defines it with snake_case fields whatever the keepCase option. */
export interface AnyMessage {
  type_url: string;
  value: Buffer;
}

export interface VertexProtos {
  /** What grpc-js needs to serve the services. */
  readonly definition: PackageDefinition;
  /** The parsed protos, with their `google.api.http` annotations: what the REST gateway transcodes with. */
  readonly root: protobuf.Root;
  /** Packs a message into google.protobuf.Any, as Operation.metadata/response carry it. */
  pack(typeName: string, message: object): AnyMessage;
  /** Encodes a google.rpc.Status for the `grpc-status-details-bin` trailer. */
  encodeStatus(status: RpcStatus): Buffer;
}

/** The protos a Google client package ships, plus google-gax's own (google/api, longrunning, rpc). */
function protoDirs(clientPackage: string): string[] {
  const client = join(dirname(require.resolve(`${clientPackage}/package.json`)), 'build', 'protos');
  // google-gax's package exports hide package.json: find its protos from its entry point (build/src/index.js).
  const gax = join(dirname(require.resolve('google-gax')), '..', 'protos');
  return [client, gax];
}

const cache = new Map<string, VertexProtos>();

/**
 * Parses a twin's protos once per process (about a quarter of a second for Vertex): what grpc-js
 * serves, and the encoders for Any and google.rpc.Status. Every twin serves its services from this.
 */
export function loadTwinProtos(clientPackage: string, files: string[]): VertexProtos {
  const key = `${clientPackage}\n${files.join('\n')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const dirs = protoDirs(clientPackage);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => dirs.map((dir) => join(dir, target)).find((path) => existsSync(path)) ?? target;
  // keepCase false: field names are camelCase, as the Node client and its typings spell them.
  root.loadSync(files, { keepCase: false });
  root.resolveAll();
  const definition = fromJSON(root.toJSON(), { longs: String, enums: String, defaults: true, oneofs: true });

  const encode = (typeName: string, message: object) => {
    const type = root.lookupType(typeName);
    return Buffer.from(type.encode(type.fromObject(message)).finish());
  };
  const protos: VertexProtos = {
    definition,
    root,
    pack: (typeName, message) => ({ type_url: TYPE_URL_PREFIX + typeName, value: encode(typeName, message) }),
    encodeStatus: (status) => encode('google.rpc.Status', status),
  };
  cache.set(key, protos);
  return protos;
}

export function loadVertexProtos(): VertexProtos {
  return loadTwinProtos('@google-cloud/aiplatform', PROTO_FILES);
}
