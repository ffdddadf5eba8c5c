/**
 * The whole local stack behind `npm start` (and the end-to-end tests): Google's Firestore
 * emulator, the registry's functions served by the functions framework, and the dashboard, all on
 * 127.0.0.1. State lives under a data directory so it survives restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cloudEvent, http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Role } from '../shared/ports';
import { parseConfig } from '../functions/src/config';
import { buildApiParts } from '../functions/src/functions/api';
import { buildRegister } from '../functions/src/functions/register';
import { buildOutboxDrainer } from '../functions/src/functions/outbox-drainer';
import { parseRegistryWritesConfig } from '../functions/src/registry-config';
import { buildSyncRuns } from '../functions/src/functions/sync-runs';
import { buildTrigger } from '../functions/src/functions/trigger';
import { parseRegisterConfig } from '../functions/src/register-config';
import { parseSyncRunsConfig, parseTriggerConfig } from '../functions/src/training-config';
import { toyTrainerRunner } from './toy-trainer/pipeline-runner';
import { schedulerClientOptions, startSchedulerTwin, type SchedulerTwin } from './twins/scheduler';
import { stackManifest, type StackManifest } from './stack-manifest';
import { freePort } from './lib/free-port';
import { prepareSavedState, saveFirestore } from './lib/saved-state';
import { startGcsTwin, type DeliveryOptions, type GcsTwin } from './twins/gcs';
import { startVertexTwin, type VertexTwin } from './twins/vertex';
import { startKmsTwin, type KmsTwin } from './twins/kms';
import { startMonitoringTwin, type MonitoringTwin } from './twins/monitoring';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { startFirestoreEmulator, type FirestoreEmulator } from './emulators/firestore';
import { startPubSubEmulator, type PubSubEmulator } from './emulators/pubsub';
import { mirrorToVertexTwin } from './demo/mirror-to-vertex';
import { demoRegistry } from './demo/demo-data';
import { seedRegistry } from './demo/seed';
import { storeDemoArtifacts } from './demo/demo-artifacts';
import { GcsObjectStore, lazyStorage } from '../functions/src/adapters/gcs/object-store';
import type { ModelVersion } from '../shared/schemas/model-version';
import { SIGNING_LEASE_MS, pendingSignature } from '../shared/domain/signature-retry-policy';
import { serveStatic } from './static-files';
import { buildDashboard } from '../dashboard/build';

export interface StackOptions {
  /** HTTP port for the API and dashboard (0 = any free port). */
  port?: number;
  /** Where state persists; null keeps nothing (tests). */
  dataDir?: string | null;
  /** Load the demo registry when the registry is empty. */
  demo?: boolean;
  projectId?: string;
  /** Build the dashboard bundle at start (default true; the e2e tests build it themselves). */
  buildDashboard?: boolean;
  log?: (line: string) => void;
  /**
   * Redelivery of finalize events to the register function. Unset: Eventarc's (backoff 10 s → 600 s
   * for 24 h, each attempt cut off at the register function's deployed 540 s timeout). Tests shorten
   * it here, explicitly (test/support/event-delivery.ts); `npm start` never does.
   */
  eventDelivery?: DeliveryOptions;
}

/** The register function's timeout_seconds in terraform/functions.tf: the trigger's ack deadline follows it. */
export const REGISTER_TIMEOUT_MS = 540_000;

export interface Stack {
  url: string;
  gcs: GcsTwin;
  vertex: VertexTwin;
  scheduler: SchedulerTwin;
  kms: KmsTwin;
  /** Cloud Monitoring twin: the Vertex twin's online predictions as prediction/online/* metrics. */
  monitoring: MonitoringTwin;
  /** The KMS key versions are signed with (its newest enabled version). */
  signingKey: string;
  pubsub: PubSubEmulator;
  pushesBucket: string;
  registryBucket: string;
  projectId: string;
  /** Where the stack's Vertex AI and Cloud Scheduler resources live (gcloud's --region / --location). */
  location: string;
  firestore: FirestoreEmulator;
  dataDir: string | null;
  /** Every service's address and the gcloud environment: what `stack.json` holds. */
  manifest: StackManifest;
  token(role: Role, email?: string): Promise<string>;
  stop(): Promise<void>;
}

export const PUSHES_BUCKET = 'registry-pushes';
export const REGISTRY_BUCKET = 'registry-blobs';
/** Written by a running stack so that `npm run push` finds the GCS twin. */
export const STACK_FILE = 'stack.json';
export const EVENTS_TOPIC = 'registry-events';
/** A pull subscription `npm run events` tails, so a user sees each registry event. */
export const EVENTS_TAIL = 'registry-events-tail';

export function devSecret(dataDir: string | null): string {
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, 'dev-auth-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

const LOCATION = 'europe-central2';

/** Registers a function with the functions framework and serves it on 127.0.0.1:port. */
async function serve(name: string, port: number, register: () => void): Promise<Server> {
  register();
  const server = getTestServer(name);
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', ok));
  return server;
}

/** The periodic sync is itself a Cloud Scheduler job (every minute locally, as in production every 5). */
/**
 * Creates the sync job and runs it once at once: schedules' own jobs are derived from Firestore by
 * its reconcile, so after a restart they are back (on this start's trigger URL) before the stack answers.
 */
async function ensureSyncJob(port: number, projectId: string, uri: string, serviceAccountEmail: string): Promise<void> {
  const { CloudSchedulerClient } = await import('@google-cloud/scheduler');
  const client = new CloudSchedulerClient(schedulerClientOptions(port));
  const parent = `projects/${projectId}/locations/${LOCATION}`;
  const name = `${parent}/jobs/registry-sync-runs`;
  await client.createJob({
    parent,
    job: { name, schedule: '* * * * *', timeZone: 'Etc/UTC', httpTarget: { uri, httpMethod: 'POST', oidcToken: { serviceAccountEmail, audience: uri } } },
  });
  await client.runJob({ name });
  await client.close();
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.log ?? (() => undefined);
  const dataDir = opts.dataDir === undefined ? resolve(process.env.REGISTRY_DATA_DIR ?? '.data') : opts.dataDir && resolve(opts.dataDir);
  const projectId = opts.projectId ?? 'demo-registry';
  const secret = devSecret(dataDir);

  const built = opts.buildDashboard === false ? null : buildDashboard();
  const importFile = dataDir ? prepareSavedState(dataDir, log) : undefined;
  log(`starting Google's Firestore emulator${importFile ? ' (restoring saved data)' : ''}…`);
  const firestore = await startFirestoreEmulator({ projectId, importFile });
  process.env.FIRESTORE_EMULATOR_HOST = firestore.host;

  const { Firestore } = await import('@google-cloud/firestore');
  const db = new Firestore({ projectId, ignoreUndefinedProperties: true });

  // Twins of Storage, Vertex AI (pipelines run the toy trainer) and Cloud Scheduler, and the
  // functions they call: register (finalize events), trigger and syncRuns (scheduler jobs).
  const stateDir = dataDir ?? mkdtempSync(join(tmpdir(), 'registry-'));
  const [registerPort, triggerPort, syncPort] = [await freePort(), await freePort(), await freePort()];
  const gcs = await startGcsTwin({
    dataDir: join(stateDir, 'gcs'), buckets: [PUSHES_BUCKET, REGISTRY_BUCKET],
    subscribers: [{ bucket: PUSHES_BUCKET, url: `http://127.0.0.1:${registerPort}/` }], log,
    delivery: { attemptTimeoutMs: REGISTER_TIMEOUT_MS, ...opts.eventDelivery },
  });
  const vertex = await startVertexTwin({
    stateFile: dataDir ? join(dataDir, 'vertex.json') : undefined, operationDelayMs: 200,
    runner: toyTrainerRunner({ storageUrl: gcs.url }),
  });
  const scheduler = await startSchedulerTwin();
  const monitoring = await startMonitoringTwin({ predictions: () => vertex.predictions.records() });
  // Cloud KMS twin: versions are signed with its key, kept under the data directory across restarts.
  const signingKey = `projects/${projectId}/locations/${LOCATION}/keyRings/registry/cryptoKeys/model-signing`;
  const kms = await startKmsTwin({ stateFile: join(stateDir, 'kms.json'), signingKeys: [signingKey] });
  const pubsub = await startPubSubEmulator({ projectId });
  await pubsub.ensureTopic(EVENTS_TOPIC);
  await pubsub.ensureSubscription(EVENTS_TAIL, EVENTS_TOPIC);
  let demoVersions: ModelVersion[] = [];
  if (opts.demo !== false && (await db.collection('versions').limit(1).get()).empty) {
    // Demo versions are made real as registration makes them: mirrored on the Vertex twin (so they
    // can be deployed and aliased) and their files stored in the registry bucket (so they download).
    const demo = demoRegistry();
    demo.versions = await mirrorToVertexTwin(demo.versions, { port: vertex.port, project: projectId, location: LOCATION });
    demo.versions = await storeDemoArtifacts(new GcsObjectStore(lazyStorage({ projectId, apiEndpoint: gcs.url })), REGISTRY_BUCKET, demo.versions);
    // Due for signing at once: the minute job signs them as it would versions whose signing was interrupted.
    demo.versions = demo.versions.map((v) => ({ ...v, signature: pendingSignature(new Date(Date.now() - SIGNING_LEASE_MS)) }));
    await seedRegistry(db, demo);
    demoVersions = demo.versions;
  }

  const triggerUrl = `http://127.0.0.1:${triggerPort}/`;
  const syncUrl = `http://127.0.0.1:${syncPort}/`;
  const env = {
    GOOGLE_CLOUD_PROJECT: projectId, LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARNING',
    PUSHES_BUCKET, REGISTRY_BUCKET, STORAGE_API_ENDPOINT: gcs.url,
    VERTEX_LOCATION: LOCATION, VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: String(vertex.port),
    SCHEDULER_LOCATION: LOCATION, SCHEDULER_API_ENDPOINT: '127.0.0.1', SCHEDULER_API_PORT: String(scheduler.port),
    SCHEDULER_SERVICE_ACCOUNT: `registry-scheduler@${projectId}.iam.gserviceaccount.com`,
    TRIGGER_URL: triggerUrl, OIDC_JWKS_URL: scheduler.jwksUrl, OIDC_ISSUER: scheduler.issuer,
    EVENTS_TOPIC, PUBSUB_API_ENDPOINT: pubsub.host,
    SIGNING_KEY: signingKey, KMS_API_ENDPOINT: '127.0.0.1', KMS_API_PORT: String(kms.port),
    MONITORING_API_ENDPOINT: '127.0.0.1', MONITORING_API_PORT: String(monitoring.port),
  };
  const servers = [
    await serve('register', registerPort, () => cloudEvent('register', buildRegister(parseRegisterConfig(env)))),
    await serve('trigger', triggerPort, () => http('trigger', buildTrigger(parseTriggerConfig({ ...env, OIDC_AUDIENCE: triggerUrl })))),
    await serve('syncRuns', syncPort, () => http('syncRuns', buildSyncRuns(parseSyncRunsConfig({ ...env, OIDC_AUDIENCE: syncUrl })))),
  ];
  await ensureSyncJob(scheduler.port, projectId, syncUrl, env.SCHEDULER_SERVICE_ACCOUNT);
  await scheduler.settled();

  const config = parseConfig({ ...env, AUTH_MODE: 'dev', DEV_AUTH_SECRET: secret, ROLE_BINDINGS: process.env.ROLE_BINDINGS ?? '' });
  const { handler: apiHandler, writes } = buildApiParts(config);
  // Registration moves `latest` after each version (history, Vertex alias, event): so does the demo.
  for (const version of [...demoVersions].sort((a, b) => a.registeredAt.localeCompare(b.registeredAt))) {
    await writes.aliases.advanceLatest(version.familyId, version.id);
  }
  if (demoVersions.length) log('loaded the demo registry (documents tagged "demo"; start with --no-demo to skip)');
  http('api', apiHandler);
  // Production runs the minute job (events outbox, due mirror retries) from Cloud Scheduler; locally a timer does, more often.
  const minuteJob = buildOutboxDrainer(parseRegistryWritesConfig(env));
  // One run before the stack answers: the demo is signed (and a restart's due work done) by the time
  // the first request comes, instead of changing under it five seconds later.
  const first = await minuteJob.run();
  if (!first.ok) log(`minute job failed: ${JSON.stringify(first)}`);
  const drainTimer = setInterval(() => void minuteJob.run().then((r) => { if (!r.ok) log(`minute job failed: ${JSON.stringify(r)}`); }), 5000);
  const apiServer = getTestServer('api');
  const dashboardDir = resolve(__dirname, '../dashboard/dist');

  await built;
  const front: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/api')) apiServer.emit('request', req, res);
    else serveStatic(dashboardDir, req, res);
  });
  await new Promise<void>((ok, fail) => front.once('error', fail).listen(opts.port ?? 8080, '127.0.0.1', ok));
  const address = front.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : opts.port}`;

  const manifest = stackManifest({
    projectId, location: LOCATION, pushesBucket: PUSHES_BUCKET,
    services: {
      api: url, gcs: gcs.url,
      vertex: { rest: vertex.restUrl, grpc: vertex.address },
      scheduler: { rest: scheduler.restUrl, grpc: scheduler.address },
      kms: { grpc: kms.address },
      monitoring: { grpc: monitoring.address },
      firestore: firestore.host, pubsub: pubsub.host,
      functions: { register: `http://127.0.0.1:${registerPort}/`, trigger: triggerUrl, syncRuns: syncUrl },
    },
  });
  if (dataDir) writeFileSync(join(dataDir, STACK_FILE), JSON.stringify(manifest, null, 2));

  return {
    url, projectId, location: LOCATION, manifest, firestore, dataDir, gcs, vertex, scheduler, kms, monitoring, signingKey, pubsub, pushesBucket: PUSHES_BUCKET, registryBucket: REGISTRY_BUCKET,
    token: (role, email = `${role}@localhost`) => signDevToken(secret, { role, email }),
    async stop() {
      await new Promise<void>((ok) => front.close(() => ok()));
      front.closeAllConnections();
      // Attempts in flight finish; retries still waiting (Eventarc's backoff: up to 10 minutes) are dropped.
      await gcs.noAttemptInFlight();
      await gcs.stop();
      clearInterval(drainTimer);
      await writes.close();
      await minuteJob.close();
      for (const server of servers) await new Promise<void>((ok) => server.close(() => ok()));
      await pubsub.stop();
      await scheduler.stop();
      await vertex.stop();
      await kms.stop();
      await monitoring.stop();
      if (dataDir) rmSync(join(dataDir, STACK_FILE), { force: true });
      else rmSync(stateDir, { recursive: true, force: true });
      // Stop the emulator even when the save fails, so that no JVM outlives the stack.
      try {
        if (dataDir) await saveFirestore(dataDir, (dir) => firestore.exportTo(dir));
      } finally {
        await db.terminate();
        await firestore.stop();
      }
    },
  };
}
