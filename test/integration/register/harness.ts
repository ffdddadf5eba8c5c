import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudEvent, type CloudEvent } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { StorageObjectData } from '@google/events/cloud/storage/v1/StorageObjectData';
import type { Firestore } from '@google-cloud/firestore';
import { Storage } from '@google-cloud/storage';
import { freePort } from '../../../dev/lib/free-port';
import { startGcsTwin, storageClientOptions, type GcsTwin } from '../../../dev/twins/gcs';
import { startVertexTwin, type VertexTwin } from '../../../dev/twins/vertex';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { buildMirrorRetry, buildRegister, type RegisterHandler } from '../../../functions/src/functions/register';
import type { MirrorRetry } from '../../../functions/src/app/retry-mirror';
import { createLogger } from '../../../functions/src/log';
import { parseRegisterConfig, type RegisterConfig } from '../../../functions/src/register-config';
import type { Clock } from '../../../shared/ports';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { PushRecord } from '../../../shared/schemas/push-record';
import { versionFromDoc } from '../../../functions/src/adapters/firestore/version-codec';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

export const PUSHES = 'pushes';
export const REGISTRY = 'registry';
export const MAX_PUSH_FILES = 40;
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
  /** While false, the function acknowledges events without handling them (to replay one by hand). */
  handling: { enabled: boolean };
  /** The use case behind POST /api/training-runs/{id}/register, on the same emulator and twins. */
  mirrorRetry(clock?: Clock): MirrorRetry;
  upload(name: string, content: string | Buffer): Promise<void>;
  /** Uploads files one after another, in the given order. */
  push(prefix: string, files: Record<string, string | Buffer>, order?: string[]): Promise<void>;
  /** Resolves once every CloudEvent has been delivered and handled. */
  settle(): Promise<void>;
  versionsOf(familyId: string): Promise<ModelVersion[]>;
  pushRecord(id: string): Promise<PushRecord | null>;
  stop(): Promise<void>;
}

export async function startRegisterHarness(options: { vertexOperationDelayMs?: number } = {}): Promise<RegisterHarness> {
  const emulator = await sharedFirestoreEmulator();
  const db = await testFirestore();
  const dataDir = await mkdtemp(join(tmpdir(), 'register-gcs-'));
  const gcs = await startGcsTwin({
    dataDir, buckets: [PUSHES, REGISTRY],
    delivery: { maxAttempts: 10, initialBackoffMs: 50, timeoutMs: 20_000 },
    log: () => undefined,
  });
  const vertex = await startVertexTwin({ project: emulator.projectId, location: 'us-central1', operationDelayMs: options.vertexOperationDelayMs ?? 0 });
  const config = parseRegisterConfig({
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
  const handling = { enabled: true };
  const handler: RegisterHandler = buildRegister(config, {
    wrapRegistrations: (store) => counting(store, firestoreCalls),
    wrapRuns: (runs) => counting(runs, firestoreCalls),
    settings: { mirrorRetryDelayMs: 10 },
    mirrorTuning: FAST_MIRROR,
  });
  const name = `register-test-${++functionCounter}`;
  cloudEvent<StorageObjectData>(name, (event: CloudEvent<StorageObjectData>) => (handling.enabled ? handler(event) : undefined));
  const server: Server = getTestServer(name);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${port}`;
  gcs.addSubscriber(PUSHES, url);

  const storage = new Storage(storageClientOptions(gcs.url, emulator.projectId));
  const retryFirestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const mirrorRetry = (clock?: Clock) => buildMirrorRetry({
    firestore: retryFirestore, vertex: config.vertex, log: createLogger('CRITICAL'), mirrorTuning: FAST_MIRROR, mirrorRetryDelayMs: 10, ...(clock ? { clock } : {}),
  });
  const upload = async (objectName: string, content: string | Buffer) => {
    await storage.bucket(PUSHES).file(objectName).save(typeof content === 'string' ? Buffer.from(content) : content, { resumable: false });
  };

  return {
    gcs, vertex, storage, db, config, url, firestoreCalls, handling, mirrorRetry, upload,
    async push(prefix, files, order = Object.keys(files)) {
      for (const path of order) await upload(`${prefix}/${path}`, files[path]!);
    },
    settle: () => gcs.idle(),
    async versionsOf(familyId) {
      const snapshot = await db.collection('versions').where('familyId', '==', familyId).get();
      return snapshot.docs.map((d) => versionFromDoc(d.data())).sort((a, b) => a.version - b.version);
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
      await vertex.stop();
      await rm(dataDir, { recursive: true, force: true });
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
