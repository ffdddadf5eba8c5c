import { loadTwinProtos, type VertexProtos } from '../vertex/protos';

/** KeyManagementService from the protos shipped in @google-cloud/kms (plus gax's google/api, longrunning, rpc). */
const PROTO_FILES = ['google/cloud/kms/v1/service.proto', 'google/rpc/error_details.proto'];

/** Parsed once per process; the same shape as the Vertex twin's, so that its gRPC server serves it. */
export function loadKmsProtos(): VertexProtos {
  return loadTwinProtos('@google-cloud/kms', PROTO_FILES);
}
