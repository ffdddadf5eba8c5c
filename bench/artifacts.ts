/**
 * Issue 3's artifact figures: SHA-256 + store throughput against `sha256sum`, peak RSS of a 1 GiB
 * ZIP download, and the time from a push's last object to its version in the API. Each function
 * starts what it needs (GCS and Vertex AI twins, and a Firestore emulator unless one is given) on
 * loopback, measures, and stops it all.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { cloudEvent, http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { StorageObjectData } from '@google/events/cloud/storage/v1/StorageObjectData';
import { Storage } from '@google-cloud/storage';
import { startFirestoreEmulator } from '../dev/emulators/firestore';
import { freePort } from '../dev/lib/free-port';
import { startGcsTwin, storageClientOptions, type GcsTwin } from '../dev/twins/gcs';
import { QUICK_REDELIVERY } from '../test/support/event-delivery';
import { startVertexTwin } from '../dev/twins/vertex';
import { lazyFirestore } from '../functions/src/adapters/firestore/client';
import { GcsObjectStore, lazyStorage } from '../functions/src/adapters/gcs/object-store';
import { storeFile } from '../functions/src/app/content-addressing';
import { parseArtifactConfig } from '../functions/src/artifact-config';
import { parseConfig } from '../functions/src/config';
import { buildApi } from '../functions/src/functions/api';
import { FirestoreVersionRepository } from '../functions/src/adapters/firestore/version-repository';
import { buildArtifactRoutes } from '../functions/src/functions/artifact-routes';
import { buildRegistryWrites } from '../functions/src/functions/registry-writes';
import { parseRegistryWritesConfig } from '../functions/src/registry-config';
import { buildRegister } from '../functions/src/functions/register';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { parseRegisterConfig } from '../functions/src/register-config';
import { API_NODE_OPTIONS } from '../functions/src/deployed-functions';
import { median, percentile, round } from './stats';

export interface FirestoreTarget {
  projectId: string;
  /** host:port of a running emulator. */
  host: string;
}

const GiB = 1024 ** 3;
const MB = 1e6;
const PUSHES = 'pushes';
const REGISTRY = 'registry';
const SECRET = 'bench-artifacts-secret-0123456789-abcdef';
let functionCounter = 0;

/** A file of `size` bytes: one random 16 MiB block repeated (hashing cost does not depend on content). */
async function writeFileOfSize(path: string, size: number): Promise<void> {
  const block = randomBytes(16 * 1024 * 1024);
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += block.length) {
    if (!out.write(block.subarray(0, Math.min(block.length, size - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Runs `fn` with a temp dir, a GCS twin (pushes + registry buckets) and a storage client; stops them after. */
async function withGcs<T>(fn: (ctx: { dir: string; gcs: GcsTwin; storage: Storage }) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-artifacts-'));
  // Quick redelivery, as before: the latency bench waits for idle() between pushes.
  const gcs = await startGcsTwin({ dataDir: join(dir, 'gcs'), buckets: [PUSHES, REGISTRY], log: () => undefined, delivery: QUICK_REDELIVERY });
  try {
    return await fn({ dir, gcs, storage: new Storage(storageClientOptions(gcs.url, 'bench-artifacts')) });
  } finally {
    await gcs.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` against the given emulator, or one started for the occasion. */
async function withFirestore<T>(target: FirestoreTarget | undefined, fn: (target: FirestoreTarget) => Promise<T>): Promise<T> {
  if (target) return fn(target);
  const emulator = await startFirestoreEmulator({ projectId: 'bench-artifacts' });
  const previous = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  try {
    return await fn({ projectId: emulator.projectId, host: emulator.host });
  } finally {
    if (previous === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = previous;
    await emulator.stop();
  }
}

function listen(server: Server): Promise<string> {
  return freePort().then((port) => new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${port}`))));
}

async function close(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

export interface HashingResult {
  sizeMiB: number;
  /** Streamed from the GCS twin through the storage client, hashed, then copied server-side to blobs/sha256/…. */
  storeSeconds: number;
  storeMBps: number;
  sha256sumSeconds: number;
  sha256sumMBps: number;
  /** storeMBps / sha256sumMBps (goal ≥ 0.8). */
  ratio: number;
}

/**
 * SHA-256 + store throughput of one 1 GiB object (storeFile, as registration and promotion run it)
 * vs `sha256sum` on the same file. The GCS twin runs in its own process, as Cloud Storage runs on
 * other machines: the measured process does only what the register function would.
 */
export async function benchHashing(size = GiB): Promise<HashingResult> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-hashing-'));
  const twin = fork(join(__dirname, 'gcs-twin-child.ts'), [join(dir, 'gcs')], { execArgv: ['--require', 'tsx/cjs'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const [{ url }] = (await once(twin, 'message')) as [{ url: string }];
    const storage = new Storage(storageClientOptions(url, 'bench-artifacts'));
    const file = join(dir, 'weights.bin');
    await writeFileOfSize(file, size);
    execFileSync('sha256sum', [file]); // same page-cache state for both: warm
    let started = performance.now();
    execFileSync('sha256sum', [file]);
    const sha256sumSeconds = (performance.now() - started) / 1000;

    await storage.bucket(PUSHES).upload(file, { destination: 'bench/weights.bin', resumable: true, validation: false }); // setup: skip the client's JS CRC32C
    const objects = new GcsObjectStore(lazyStorage({ projectId: 'bench-artifacts', apiEndpoint: url }));
    const [listed] = (await objects.list(PUSHES, 'bench/weights.bin', 1)).objects;
    started = performance.now();
    await storeFile(objects, { bucket: PUSHES, relativePath: 'weights.bin', object: listed! }, REGISTRY);
    const storeSeconds = (performance.now() - started) / 1000;

    const storeMBps = size / MB / storeSeconds;
    const sha256sumMBps = size / MB / sha256sumSeconds;
    return {
      sizeMiB: size / 2 ** 20, storeSeconds: round(storeSeconds, 2), storeMBps: round(storeMBps), sha256sumSeconds: round(sha256sumSeconds, 2),
      sha256sumMBps: round(sha256sumMBps), ratio: round(storeMBps / sha256sumMBps, 2),
    };
  } finally {
    twin.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ZipRssRun {
  /** Node flags of the serving process ([] = V8's default heap sizing). */
  nodeFlags: string[];
  /** These are the API's deployed NODE_OPTIONS. */
  deployed: boolean;
  /** Median over the downloads. */
  downloadMBps: number;
  /** Peak RSS of the serving process before the download (modules and clients loaded by a warm-up request). */
  maxRssBeforeMB: number;
  /** Highest peak RSS of the serving process over its whole life, download included, of the downloads (goal ≤ 150). */
  maxRssMB: number;
  maxRssEachMB: number[];
}

export interface ZipRssResult {
  sizeMiB: number;
  runs: ZipRssRun[];
}

/** Downloads per set of flags: the peak varies with when V8 happens to collect. */
const ZIP_REPEATS = 3;

/**
 * Peak RSS of the process serving `GET /api/models/{id}/download` for a version of one 1 GiB file
 * (plus its config), measured by that process itself (`process.resourceUsage().maxRSS`): the
 * compiled code, as deployed, once with V8's defaults and once with the API's deployed NODE_OPTIONS,
 * a fresh process for each of three downloads per set, against the same promoted version.
 */
export async function benchZipRss(firestore?: FirestoreTarget, size = GiB, flagSets: string[][] = [[], API_NODE_OPTIONS.split(' ')]): Promise<ZipRssResult> {
  return withFirestore(firestore, (target) => withGcs(async ({ dir, gcs, storage }) => {
    const vertex = await startVertexTwin({ project: target.projectId, location: 'us-central1' });
    const env = {
      GOOGLE_CLOUD_PROJECT: target.projectId, PUSHES_BUCKET: PUSHES, REGISTRY_BUCKET: REGISTRY, VERTEX_LOCATION: 'us-central1',
      VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: String(vertex.port), STORAGE_API_ENDPOINT: gcs.url, LOG_LEVEL: 'ERROR',
    };
    const firestoreProvider = lazyFirestore({ projectId: target.projectId, databaseId: '(default)' });
    // Events are not what is measured: they go nowhere.
    const writes = buildRegistryWrites(parseRegistryWritesConfig(env), firestoreProvider, new FirestoreVersionRepository(firestoreProvider), {
      wrapPublisher: () => ({ publish: async () => 'discarded' }),
    });
    const artifacts = buildArtifactRoutes(parseArtifactConfig(env), firestoreProvider, { aliases: writes.aliases, flusher: writes.drainer });
    try {
      // The version: a 1 GiB safetensors file promoted into a fresh family (hashing and storage as in production).
      const file = join(dir, 'model.safetensors');
      await writeFileOfSize(file, size);
      await storage.bucket(PUSHES).upload(file, { destination: 'bench-zip/model/model.safetensors', resumable: true, validation: false });
      await storage.bucket(PUSHES).file('bench-zip/model/config.json').save('{"model_type":"bench"}');
      await rm(file);
      const familyId = `bench-zip-${Date.now()}`;
      await artifacts.families.create({ id: familyId, modelType: 'retrieval' });
      const { version } = await artifacts.promotion.promote(familyId, { gcsPrefix: `gs://${PUSHES}/bench-zip/model` }, 'bench');
      const runs: ZipRssRun[] = [];
      for (const nodeFlags of flagSets) {
        const downloads: ZipDownload[] = [];
        for (let i = 0; i < ZIP_REPEATS; i++) downloads.push(await downloadInChild(version.id, size, nodeFlags, { ...env, FIRESTORE_EMULATOR_HOST: target.host }));
        runs.push({
          nodeFlags,
          deployed: nodeFlags.join(' ') === API_NODE_OPTIONS,
          downloadMBps: round(median(downloads.map((d) => d.downloadMBps))),
          maxRssBeforeMB: Math.max(...downloads.map((d) => d.maxRssBeforeMB)),
          maxRssMB: Math.max(...downloads.map((d) => d.maxRssMB)),
          maxRssEachMB: downloads.map((d) => d.maxRssMB),
        });
      }
      return { sizeMiB: size / 2 ** 20, runs };
    } finally {
      await artifacts.close();
      await writes.close();
      await vertex.stop();
    }
  }));
}

interface ZipDownload { downloadMBps: number; maxRssBeforeMB: number; maxRssMB: number }

/** The serving process, compiled by `npm run bench` (tsconfig.bench.json): RSS as the deployed JavaScript's, without a TypeScript loader. */
const ZIP_CHILD = join(__dirname, '../dist/bench/zip-download-child.js');

/** Starts the serving process, downloads the version's ZIP from it (checking it is complete) and asks it for its peak RSS. */
async function downloadInChild(versionId: string, size: number, nodeFlags: string[], env: Record<string, string>): Promise<ZipDownload> {
  if (!existsSync(ZIP_CHILD)) throw new Error(`${ZIP_CHILD} is missing: run npx tsc -p tsconfig.bench.json (npm run bench does)`);
  const child: ChildProcess = fork(ZIP_CHILD, [], {
    execArgv: nodeFlags,
    env: { ...process.env, ...env, BENCH_DEV_SECRET: SECRET, METADATA_SERVER_DETECTION: 'none' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = async <T>(message?: string): Promise<T> => {
    const reply = once(child, 'message') as Promise<[T]>;
    if (message) child.send(message);
    return (await reply)[0];
  };
  try {
    const { port } = await ask<{ port: number }>();
    const headers = { authorization: `Bearer ${await signDevToken(SECRET, { role: 'viewer', email: 'bench@localhost' })}` };
    const base = `http://127.0.0.1:${port}/api/models/${versionId}`;
    const warm = await fetch(`${base}/manifest`, { headers });
    if (warm.status !== 200) throw new Error(`manifest answered ${warm.status}`);
    const before = await ask<{ maxRssMB: number }>('report');

    const started = performance.now();
    const res = await fetch(`${base}/download`, { headers });
    if (res.status !== 200 || !res.body) throw new Error(`download answered ${res.status}`);
    let bytes = 0;
    let tail = Buffer.alloc(0);
    for await (const chunk of res.body) {
      bytes += chunk.byteLength;
      tail = Buffer.concat([tail, Buffer.from(chunk)]).subarray(-22);
    }
    const downloadSeconds = (performance.now() - started) / 1000;
    if (bytes < size || tail.readUInt32LE(0) !== 0x06054b50) throw new Error(`the download is not a complete ZIP (${bytes} bytes)`);
    const after = await ask<{ maxRssMB: number }>('report');
    return { downloadMBps: round(bytes / MB / downloadSeconds), maxRssBeforeMB: before.maxRssMB, maxRssMB: after.maxRssMB };
  } finally {
    child.kill();
  }
}

export interface RegistrationLatencyResult {
  /** Measured pushes (after the first). */
  pushes: number;
  /** The first push, into a cold register function (clients loaded on first use). */
  coldMs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

/**
 * Time from the last object of a push written (its upload answered) to `GET /api/models/{id}`
 * answering 200: finalize event → register function → Firestore transaction → API read, polled
 * every 5 ms. Pushes are sequential, each a small complete SavedModel with its metrics.json; the
 * first one (cold instance) is reported apart.
 */
export async function benchRegistrationLatency(firestore?: FirestoreTarget, pushes = 15): Promise<RegistrationLatencyResult> {
  return withFirestore(firestore, (target) => withGcs(async ({ gcs, storage }) => {
    const vertex = await startVertexTwin({ project: target.projectId, location: 'us-central1' });
    const name = `bench-register-${++functionCounter}`;
    cloudEvent<StorageObjectData>(name, buildRegister(parseRegisterConfig({
      GOOGLE_CLOUD_PROJECT: target.projectId, PUSHES_BUCKET: PUSHES, REGISTRY_BUCKET: REGISTRY, VERTEX_LOCATION: 'us-central1',
      VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: String(vertex.port), STORAGE_API_ENDPOINT: gcs.url, LOG_LEVEL: 'ERROR',
    }), { wrapPublisher: () => ({ publish: async () => 'discarded' }) })); // registry events are not what is measured
    const registerServer = getTestServer(name);
    gcs.addSubscriber(PUSHES, await listen(registerServer));
    http(`${name}-api`, buildApi(parseConfig({ GOOGLE_CLOUD_PROJECT: target.projectId, AUTH_MODE: 'dev', DEV_AUTH_SECRET: SECRET, LOG_LEVEL: 'ERROR' })));
    const apiServer = getTestServer(`${name}-api`);
    const apiUrl = await listen(apiServer);
    const headers = { authorization: `Bearer ${await signDevToken(SECRET, { role: 'viewer', email: 'bench@localhost' })}` };
    const familyId = `bench-latency-${Date.now()}`;
    /** Pushes run i of the family; answers the milliseconds from its last object to its version in the API. */
    const pushAndWait = async (i: number): Promise<number> => {
      const runId = `bench-${i}-${Date.now()}`;
      await storage.bucket(PUSHES).file(`${runId}/metrics.json`).save(JSON.stringify({ family: familyId, model_type: 'retrieval', metrics: { recall_at_100: 0.5 } }));
      const files = { 'saved_model.pb': `graph-${i}`, 'variables/variables.index': `index-${i}`, 'variables/variables.data-00000-of-00001': `weights-${i}` };
      for (const [path, content] of Object.entries(files)) await storage.bucket(PUSHES).file(`${runId}/pushed_model/1/${path}`).save(content, { resumable: false });
      const written = performance.now();
      for (;;) {
        // A kept-alive socket the server has just closed fails one poll: poll again.
        const status = await fetch(`${apiUrl}/api/models/${familyId}-v${i}`, { headers }).then(async (res) => (await res.arrayBuffer(), res.status), () => 0);
        if (status === 200) break;
        if (performance.now() - written > 30_000) throw new Error(`${familyId}-v${i} never became visible`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const elapsed = performance.now() - written;
      await gcs.idle(); // the other files' events too, before the next push
      return elapsed;
    };
    try {
      // The first push pays for loading the clients of a cold instance: reported apart.
      const coldMs = await pushAndWait(1);
      const samples: number[] = [];
      for (let i = 2; i <= pushes + 1; i++) samples.push(await pushAndWait(i));
      return {
        pushes, coldMs: round(coldMs), medianMs: round(median(samples)), p95Ms: round(percentile(samples, 95)),
        minMs: round(Math.min(...samples)), maxMs: round(Math.max(...samples)),
      };
    } finally {
      await close(registerServer);
      await close(apiServer);
      await vertex.stop();
    }
  }));
}
