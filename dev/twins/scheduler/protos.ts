import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import { grpc, protobuf } from 'google-gax';

// The protos the client library itself ships, so the twin speaks exactly the wire format it expects.
// Both packages' entry points live in build/src, next to build/protos.
const schedulerProtos = join(dirname(require.resolve('@google-cloud/scheduler')), '..', 'protos');
const gaxProtos = join(dirname(require.resolve('google-gax')), '..', 'protos');

/** The CloudScheduler v1 service definition; messages decode to camelCase objects, enums to names, int64 to strings. */
export function loadCloudSchedulerService(): grpc.ServiceDefinition {
  const definition = loadSync('google/cloud/scheduler/v1/cloudscheduler.proto', {
    includeDirs: [schedulerProtos, gaxProtos],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: false,
  });
  const service = definition['google.cloud.scheduler.v1.CloudScheduler'];
  if (!service) throw new Error('CloudScheduler service missing from the shipped protos');
  return service as grpc.ServiceDefinition;
}

let root: protobuf.Root | undefined;

/** The same protos parsed by protobufjs, with their `google.api.http` annotations, for the REST gateway (parsed once). */
export function loadCloudSchedulerRoot(): protobuf.Root {
  if (root) return root;
  const parsed = new protobuf.Root();
  parsed.resolvePath = (_origin, target) => [schedulerProtos, gaxProtos].map((dir) => join(dir, target)).find((path) => existsSync(path)) ?? target;
  parsed.loadSync(['google/cloud/scheduler/v1/cloudscheduler.proto', 'google/rpc/status.proto'], { keepCase: false });
  parsed.resolveAll();
  root = parsed;
  return root;
}
