import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import { Storage } from '@google-cloud/storage';
import request from 'supertest';
import { startGcsTwin, storageClientOptions, type GcsTwin } from '../../../dev/twins/gcs';
import { startVertexTwin, type VertexTwin } from '../../../dev/twins/vertex';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { FirestoreTrainingRunRepository } from '../../../functions/src/adapters/firestore/run-repository';
import { FirestoreVersionRepository } from '../../../functions/src/adapters/firestore/version-repository';
import { ModelReader } from '../../../functions/src/app/model-reader';
import { parseArtifactConfig, type ArtifactConfig } from '../../../functions/src/artifact-config';
import { buildArtifactRoutes, type ArtifactRoutes } from '../../../functions/src/functions/artifact-routes';
import { buildRegistryWrites, type RegistryWrites } from '../../../functions/src/functions/registry-writes';
import { parseRegistryWritesConfig } from '../../../functions/src/registry-config';
import type { RegistryEvent } from '../../../shared/domain/registry-events';
import { createApiHandler } from '../../../functions/src/http/api-handler';
import { createAuthenticator } from '../../../functions/src/http/auth';
import { modelReadRoutes } from '../../../functions/src/http/routes/model-routes';
import { withVersionRefs } from '../../../functions/src/http/routes/version-refs';
import { devTokenVerifier } from '../../../functions/src/http/token-verifiers';
import { createLogger } from '../../../functions/src/log';
import type { ModelType } from '../../../shared/schemas/common';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { versionFromDoc } from '../../../functions/src/adapters/firestore/version-codec';
import { TEST_SECRET, tokenFor } from '../../support/api';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

export const PUSHES = 'pushes';
export const REGISTRY = 'registry';
let counter = 0;

export interface ArtifactsHarness {
  gcs: GcsTwin;
  vertex: VertexTwin;
  storage: Storage;
  db: Firestore;
  config: ArtifactConfig;
  artifacts: ArtifactRoutes;
  /** Aliases, outbox and events, as the API composes them (events are recorded, not sent to Pub/Sub). */
  writes: RegistryWrites;
  published: RegistryEvent[];
  /** The API (read routes + artifact routes) behind the real front door, listening on 127.0.0.1. */
  server: Server;
  url: string;
  tokens: { viewer: string; editor: string };
  /** Uploads each file under `prefix/` in the pushes bucket. */
  upload(prefix: string, files: Record<string, string | Buffer>): Promise<void>;
  createFamily(id: string, modelType?: ModelType): Promise<void>;
  promote(familyId: string, body: unknown, token?: string): request.Test;
  versionsOf(familyId: string): Promise<ModelVersion[]>;
  stop(): Promise<void>;
}

export async function startArtifactsHarness(): Promise<ArtifactsHarness> {
  const emulator = await sharedFirestoreEmulator();
  const db = await testFirestore();
  const dataDir = await mkdtemp(join(tmpdir(), 'artifacts-gcs-'));
  const gcs = await startGcsTwin({ dataDir, buckets: [PUSHES, REGISTRY], log: () => undefined });
  const vertex = await startVertexTwin({ project: emulator.projectId, location: 'us-central1', operationDelayMs: 0 });
  const env = {
    GOOGLE_CLOUD_PROJECT: emulator.projectId,
    PUSHES_BUCKET: PUSHES,
    REGISTRY_BUCKET: REGISTRY,
    VERTEX_LOCATION: 'us-central1',
    VERTEX_API_ENDPOINT: '127.0.0.1',
    VERTEX_API_PORT: String(vertex.port),
    STORAGE_API_ENDPOINT: gcs.url,
    MAX_PUSH_FILES: '50',
    LOG_LEVEL: process.env.ARTIFACTS_TEST_LOG ?? 'CRITICAL',
  };
  const config = parseArtifactConfig(env);
  const firestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const versions = new FirestoreVersionRepository(firestore);
  const published: RegistryEvent[] = [];
  const writes = buildRegistryWrites(parseRegistryWritesConfig(env), firestore, versions, {
    wrapPublisher: () => ({ async publish(event) { published.push(event); return String(published.length); } }),
  });
  const artifacts = buildArtifactRoutes(config, firestore, { aliases: writes.aliases, flusher: writes.drainer }, {
    settings: { mirrorRetryDelayMs: 10 },
    mirrorTuning: { pollRetries: 3, pollRetryDelayMs: 20 },
  });
  const reader = new ModelReader(versions, new FirestoreTrainingRunRepository(firestore));
  const name = `artifacts-test-${++counter}`;
  http(name, createApiHandler({
    // As the API composes them: `family@alias` works wherever a version id does.
    routes: [...withVersionRefs(modelReadRoutes(reader), writes.resolveVersionRef), ...writes.routes, ...withVersionRefs(artifacts.routes, writes.resolveVersionRef)],
    authenticator: createAuthenticator(devTokenVerifier(TEST_SECRET), {}, null),
    corsOrigins: [],
    log: createLogger(config.logLevel),
  }));
  const server: Server = getTestServer(name);
  // Port 0: the OS picks a free one at listen, so no other process can take it in between.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const storage = new Storage(storageClientOptions(gcs.url, emulator.projectId));
  const tokens = { viewer: await tokenFor('viewer'), editor: await tokenFor('editor') };

  return {
    gcs, vertex, storage, db, config, artifacts, writes, published, server, url, tokens,
    async upload(prefix, files) {
      await Promise.all(Object.entries(files).map(([path, content]) =>
        storage.bucket(PUSHES).file(`${prefix}/${path}`).save(typeof content === 'string' ? Buffer.from(content) : content, { resumable: false })));
    },
    async createFamily(id, modelType = 'retrieval') {
      await request(server).post('/api/families').set('Authorization', `Bearer ${tokens.editor}`).send({ id, modelType }).expect(201);
    },
    promote(familyId, body, token = tokens.editor) {
      return request(server).post(`/api/families/${familyId}/versions:promote`).set('Authorization', `Bearer ${token}`).send(body as object);
    },
    async versionsOf(familyId) {
      const snapshot = await db.collection('versions').where('familyId', '==', familyId).get();
      return snapshot.docs.map((d) => versionFromDoc(d.data())).sort((a, b) => a.version - b.version);
    },
    async stop() {
      await artifacts.close();
      await writes.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await gcs.stop();
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

/** A Hugging Face model whose weights are sharded and named by `model.safetensors.index.json`. */
export function hfSharded(seed: string): Record<string, string> {
  const shards = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  return {
    'config.json': JSON.stringify({ model_type: 'gemma', seed }),
    'model.safetensors.index.json': JSON.stringify({ weight_map: { 'layer.0': shards[0], 'layer.1': shards[1] } }),
    [shards[0]!]: `shard-1-${seed}`,
    [shards[1]!]: `shard-2-${seed}`,
    'tokenizer.json': '{"vocab":{}}',
  };
}

/** A PEFT (LoRA) adapter. */
export function peftAdapter(seed: string): Record<string, string> {
  return {
    'adapter_config.json': JSON.stringify({ peft_type: 'LORA', r: 8, seed }),
    'adapter_model.safetensors': `lora-${seed}`,
  };
}
