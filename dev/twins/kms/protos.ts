import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromJSON } from '@grpc/proto-loader';
import { protobuf } from 'google-gax';
import type { VertexProtos } from '../vertex/protos';

/** KeyManagementService from the protos shipped in @google-cloud/kms (plus gax's google/api, longrunning, rpc). */
const PROTO_FILES = ['google/cloud/kms/v1/service.proto', 'google/rpc/error_details.proto'];

let cached: VertexProtos | undefined;

/** Parsed once per process; the same shape as the Vertex twin's, so that its gRPC server serves it. */
export function loadKmsProtos(): VertexProtos {
  if (cached) return cached;
  const dirs = [
    join(dirname(require.resolve('@google-cloud/kms/package.json')), 'build', 'protos'),
    join(dirname(require.resolve('google-gax')), '..', 'protos'),
  ];
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => dirs.map((dir) => join(dir, target)).find((path) => existsSync(path)) ?? target;
  root.loadSync(PROTO_FILES, { keepCase: false });
  root.resolveAll();
  const definition = fromJSON(root.toJSON(), { longs: String, enums: String, defaults: true, oneofs: true });
  const encode = (typeName: string, message: object) => {
    const type = root.lookupType(typeName);
    return Buffer.from(type.encode(type.fromObject(message)).finish());
  };
  cached = {
    definition,
    root,
    pack: (typeName, message) => ({ type_url: `type.googleapis.com/${typeName}`, value: encode(typeName, message) }),
    encodeStatus: (status) => encode('google.rpc.Status', status),
  };
  return cached;
}
