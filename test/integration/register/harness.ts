import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudEvent, type CloudEvent } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { StorageObjectData } from '@google/events/cloud/storage/v1/StorageObjectData';
import type { Firestore } from '@google-cloud/firestore';
import { IdempotencyStrategy, Storage } from '@google-cloud/storage';
import { startGcsTwin, storageClientOptions, type DeliveryOptions, type GcsTwin } from '../../../dev/twins/gcs';
import { startVertexTwin, type VertexTwin } from '../../../dev/twins/vertex';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { FirestoreVersionRepository } from '../../../functions/src/adapters/firestore/version-repository';
import { buildMirrorRetry } from '../../../functions/src/functions/mirror-retry';
import { buildRegister, type RegisterHandler } from '../../../functions/src/functions/register';
import { buildRegistryWrites } from '../../../functions/src/functions/registry-writes';
import type { MirrorRetry } from '../../../functions/src/app/retry-mirror';
import { createLogger } from '../../../functions/src/log';
import { parseRegisterConfig, type RegisterConfig } from '../../../functions/src/register-config';
import { parseRegistryWritesConfig } from '../../../functions/src/registry-config';
import type { RegistryEvent } from '../../../shared/domain/registry-events';
import type { Clock } from '../../../shared/ports';
import type { EventPublisher } from '../../../shared/registry-ports';
import { AliasRecord } from '../../../shared/schemas/deployment';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { PushRecord } from '../../../shared/schemas/push-record';
import { timestampsToIso } from '../../../functions/src/adapters/firestore/timestamps';
import { versionFromDoc } from '../../../functions/src/adapters/firestore/version-codec';
import { QUICK_REDELIVERY } from '../../support/event-delivery';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

export const PUSHES = 'pushes';
export const REGISTRY = 'registry';
export const MAX_PUSH_FILES = 40;
export const EVENTS_TOPIC = 'registry-events';
const FAST_MIRROR = { pollRetries: 3, pollRetryDelayMs: 20 };
let functionCounter = 0;

/** Counts every call made through an object's methods (a spy on a port, not a stub). */
export function counting<T extends object>(target: T, counter: { calls: string[] }): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counter.calls.push(String(property));
        return value.apply(object, args);
      };
    },
  });
}

export interface RegisterHarness {
  gcs: GcsTwin;
  vertex: VertexTwin;
  storage: Storage;
  db: Firestore;
  config: RegisterConfig;
  /** The register function behind the functions framework, listening on 127.0.0.1 (the twin's subscriber). */
  url: string;
  /** Calls made through the Firestore ports (registrations and training runs). */
  firestoreCalls: { calls: string[] };
  /**
   * While `enabled` is false, the function acknowledges events without handling them (to replay one
   * by hand); while `failNext` is above 0, it answers 500 instead of handling one (and counts down);
   * while `stallNext` is above 0, it waits `stallMs` before handling one (and counts down).
   */
  handling: { enabled: boolean; failNext: number; stallNext: number; stallMs: number };
  /** Every delivery the function received: its ce-id, object, when it came and was answered, and how. */
  received: ReceivedDelivery[];
  /** The use case behind POST /api/training-runs/{id}/register, on the same emulator and twins. */
  mirrorRetry(clock?: Clock): MirrorRetry;
  /** Events the register function published, when it does not publish to a Pub/Sub emulator. */
  published: RegistryEvent[];
  /** `families/{id}/aliases/{alias}`, or null. */
  alias(familyId: string, alias: string): Promise<AliasRecord | null>;
  upload(name: string, content: string | Buffer): Promise<void>;
  /** Uploads files one after another, in the given order. */
  push(prefix: string, files: Record<string, string | Buffer>, order?: string[]): Promise<void>;
  /** Resolves once every CloudEvent has been delivered and handled. */
  settle(): Promise<void>;
  versionsOf(familyId: string): Promise<ModelVersion[]>;
  pushRecord(id: string): Promise<PushRecord | null>;
  stop(): Promise<void>;
}

export interface ReceivedDelivery {
  eventId: string;
  object: string;
  /** ce-time, as the function saw it. */
  time: string | undefined;
  startedAt: number;
  endedAt: number | null;
  outcome: 'handled' | 'failed' | 'skipped' | null;
}

export interface RegisterHarnessOptions {
  /** Finalize-event redelivery (default QUICK_REDELIVERY with 60 s attempts, the function's default timeout). */
  delivery?: DeliveryOptions;
  vertexOperationDelayMs?: number;
  /** `host:port` of a Pub/Sub emulator holding EVENTS_TOPIC; without one, events are only recorded in `published`. */
  pubsubHost?: string;
  /** Another Firestore emulator than the shared one (a fault test restarts it); FIRESTORE_EMULATOR_HOST points at it until stop(). */
  firestore?: { host: string; projectId: string };
}

export async function startRegisterHarness(options: RegisterHarnessOptions = {}): Promise<RegisterHarness> {
  const emulator = options.firestore ?? (await sharedFirestoreEmulator());
  // Clients are created lazily, on first use: the variable must name this emulator from here on.
  const previousHost = process.env.FIRESTORE_EMULATOR_HOST;
  if (options.firestore) process.env.FIRESTORE_EMULATOR_HOST = options.firestore.host;
  const db = options.firestore
    ? new (await import('@google-cloud/firestore')).Firestore({ projectId: emulator.projectId, ignoreUndefinedProperties: true })
    : await testFirestore();
  const dataDir = await mkdtemp(join(tmpdir(), 'register-gcs-'));
  const gcs = await startGcsTwin({
    dataDir, buckets: [PUSHES, REGISTRY],
    // Attempts keep the function's default 60 s timeout: above the slowest handler of a 50-push
    // burst on a loaded machine (a timed-out delivery is redelivered, and idle() would then not
    // wait for the first handler to finish).
    delivery: options.delivery ?? QUICK_REDELIVERY,
    log: () => undefined,
  });
  const vertex = await startVertexTwin({ project: emulator.projectId, location: 'us-central1', operationDelayMs: options.vertexOperationDelayMs ?? 0 });
  const published: RegistryEvent[] = [];
  const recording: EventPublisher = { async publish(event) { published.push(event); return String(published.length); } };
  const wrapPublisher = options.pubsubHost ? undefined : () => recording;
  const eventsEnv = options.pubsubHost ? { PUBSUB_API_ENDPOINT: options.pubsubHost, EVENTS_TOPIC } : {};
  const config = parseRegisterConfig({
    ...eventsEnv,
    GOOGLE_CLOUD_PROJECT: emulator.projectId,
    PUSHES_BUCKET: PUSHES,
    REGISTRY_BUCKET: REGISTRY,
    VERTEX_LOCATION: 'us-central1',
    VERTEX_API_ENDPOINT: '127.0.0.1',
    VERTEX_API_PORT: String(vertex.port),
    STORAGE_API_ENDPOINT: gcs.url,
    MAX_PUSH_FILES: String(MAX_PUSH_FILES),
    LOG_LEVEL: process.env.REGISTER_TEST_LOG ?? 'CRITICAL',
  });
  const firestoreCalls = { calls: [] as string[] };
  const handling = { enabled: true, failNext: 0, stallNext: 0, stallMs: 0 };
  const received: ReceivedDelivery[] = [];
  const handler: RegisterHandler = buildRegister(config, {
    wrapRegistrations: (store) => counting(store, firestoreCalls),
    wrapRuns: (runs) => counting(runs, firestoreCalls),
    settings: { mirrorRetryDelayMs: 10 },
    mirrorTuning: FAST_MIRROR,
    wrapPublisher,
  });
  const name = `register-test-${++functionCounter}`;
  cloudEvent<StorageObjectData>(name, async (event: CloudEvent<StorageObjectData>) => {
    const delivery: ReceivedDelivery = { eventId: event.id, object: event.data?.name ?? '', time: event.time, startedAt: Date.now(), endedAt: null, outcome: null };
    received.push(delivery);
    try {
      if (!handling.enabled) return void (delivery.outcome = 'skipped');
      if (handling.failNext > 0) {
        handling.failNext--;
        throw new Error('register function failing on purpose (handling.failNext)');
      }
      if (handling.stallNext > 0) {
        handling.stallNext--;
        await new Promise((resolve) => setTimeout(resolve, handling.stallMs));
      }
      await handler(event);
      delivery.outcome = 'handled';
    } catch (error) {
      delivery.outcome = 'failed';
      throw error;
    } finally {
      delivery.endedAt = Date.now();
    }
  });
  const server: Server = getTestServer(name);
  // Port 0: the OS picks a free one at listen, so no other process can take it in between.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  gcs.addSubscriber(PUSHES, url);

  // Uploads are retried, as a pipeline's would be: on a loaded machine a burst of them meets the odd
  // reset socket (an upload without preconditions is not retried by default).
  const storage = new Storage({ ...storageClientOptions(gcs.url, emulator.projectId), retryOptions: { idempotencyStrategy: IdempotencyStrategy.RetryAlways } });
  // The API's side of a mirror retry: its own registry writes (aliases, outbox), as api.ts wires them.
  const apiFirestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const writes = buildRegistryWrites(
    parseRegistryWritesConfig({ ...eventsEnv, GOOGLE_CLOUD_PROJECT: config.projectId, VERTEX_LOCATION: config.vertex.location, VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: String(vertex.port), LOG_LEVEL: 'CRITICAL' }),
    apiFirestore, new FirestoreVersionRepository(apiFirestore), { ...(wrapPublisher ? { wrapPublisher } : {}), blobs: null },
  );
  const mirrorRetry = (clock?: Clock) => buildMirrorRetry({
    firestore: apiFirestore, vertex: config.vertex, aliases: writes.aliases, log: createLogger('CRITICAL'), mirrorTuning: FAST_MIRROR, mirrorRetryDelayMs: 10, ...(clock ? { clock } : {}),
  });
  const upload = async (objectName: string, content: string | Buffer) => {
    await storage.bucket(PUSHES).file(objectName).save(typeof content === 'string' ? Buffer.from(content) : content, { resumable: false });
  };

  return {
    gcs, vertex, storage, db, config, url, firestoreCalls, handling, received, mirrorRetry, published, upload,
    async push(prefix, files, order = Object.keys(files)) {
      for (const path of order) await upload(`${prefix}/${path}`, files[path]!);
    },
    settle: () => gcs.idle(),
    async versionsOf(familyId) {
      const snapshot = await db.collection('versions').where('familyId', '==', familyId).get();
      return snapshot.docs.map((d) => versionFromDoc(d.data())).sort((a, b) => a.version - b.version);
    },
    async alias(familyId, alias) {
      const snap = await db.collection('families').doc(familyId).collection('aliases').doc(alias).get();
      return snap.exists ? AliasRecord.parse(timestampsToIso(snap.data())) : null;
    },
    async pushRecord(id) {
      const snap = await db.collection('pushes').doc(id).get();
      return snap.exists ? PushRecord.parse(snap.data()) : null;
    },
    async stop() {
      await gcs.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await writes.close();
      await vertex.stop();
      await rm(dataDir, { recursive: true, force: true });
      if (options.firestore) {
        await db.terminate();
        if (previousHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
        else process.env.FIRESTORE_EMULATOR_HOST = previousHost;
      }
    },
  };
}

/** A small but complete TF SavedModel directory (one variables shard). */
export function savedModel(seed: string): Record<string, string> {
  return {
    'saved_model.pb': `graph-${seed}`,
    'variables/variables.index': `index-${seed}`,
    'variables/variables.data-00000-of-00001': `weights-${seed}`,
    'assets/vocab.txt': 'shared vocabulary\n',
  };
}
