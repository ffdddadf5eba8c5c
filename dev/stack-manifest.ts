import { gcloudEnvironment } from './lib/gcloud-env';

/** Where each piece of a running local stack listens. */
export interface StackServices {
  /** The dashboard and the `api` function. */
  api: string;
  gcs: string;
  vertex: { rest: string; grpc: string };
  scheduler: { rest: string; grpc: string };
  kms: { grpc: string };
  /** Cloud Monitoring twin (MetricService.ListTimeSeries). */
  monitoring: { grpc: string };
  /** Google's emulators, as their *_EMULATOR_HOST values (`127.0.0.1:port`). */
  firestore: string;
  pubsub: string;
  /** The functions the twins call: finalize events, the scheduler's trigger and sync jobs. */
  functions: { register: string; trigger: string; syncRuns: string };
}

/**
 * What `npm start` writes to `<data dir>/stack.json` for the tools beside it (npm run push, events, the CLI's
 * --local, a user's shell): the older flat keys those tools read, every service's address, the location the
 * stack's Vertex AI and Cloud Scheduler resources live in, and the environment that points gcloud at it.
 */
export function stackManifest(opts: { projectId: string; location: string; pushesBucket: string; services: StackServices }) {
  const { services } = opts;
  return {
    url: services.api,
    gcsUrl: services.gcs,
    pushesBucket: opts.pushesBucket,
    projectId: opts.projectId,
    pubsubHost: services.pubsub,
    firestoreHost: services.firestore,
    location: opts.location,
    services,
    gcloudEnv: gcloudEnvironment({
      projectId: opts.projectId, storageUrl: services.gcs, vertexRestUrl: services.vertex.rest, schedulerRestUrl: services.scheduler.rest,
    }),
  };
}

export type StackManifest = ReturnType<typeof stackManifest>;
