/**
 * Issue 8's load figures, against the whole local stack (`startStack`: Firestore emulator, GCS,
 * Vertex AI and Cloud Scheduler twins, the functions) with the demo registry, on loopback:
 * the bad-input corpus (on the untouched demo data), a burst of concurrent dashboard requests, and
 * a burst of concurrent pushes registered through the GCS twin. Bounded in count and in time.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Firestore, Query } from '@google-cloud/firestore';
import { Storage } from '@google-cloud/storage';
import { writeDemoModel } from '../dev/demo/demo-model';
import { devSecret, startStack, type Stack } from '../dev/stack';
import { storageClientOptions } from '../dev/twins/gcs';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { demoSamples, runBadInputCorpus, type BadInputSummary } from '../test/support/bad-input-corpus';
import { percentile, round } from './stats';
import { QUICK_REDELIVERY } from '../test/support/event-delivery';
import { fireDashboardBurst, type BurstJob, type BurstTimes, type DashboardRequest } from './dashboard-clients';

export interface LatencyStats {
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface DashboardLoadResult extends LatencyStats {
  /** Requests in flight at once (all of them). */
  concurrency: number;
  wallMs: number;
  /** Absent in reports before issue 15: the stack's process. */
  clients?: BurstClients;
  byKind: Record<string, LatencyStats & { unloadedMs: number }>;
  /** The first few failures, as `status path`. */
  errorSamples: string[];
}

export interface PushLoadResult {
  pushes: number;
  family: string;
  /** Every file of every push written through the storage client. */
  uploadMs: number;
  uploadErrors: number;
  /** From the first upload until the last version exists in Firestore (null: not within the limit). */
  allRegisteredMs: number | null;
  allMirroredMs: number | null;
  /** Until the GCS twin has no finalize event left to deliver or redeliver (slow answers are redelivered). */
  eventsSettledMs: number | null;
  pushesPerSecond: number | null;
  versions: number;
  /** Version numbers are exactly 1..pushes. */
  gapless: boolean;
  missingNumbers: number[];
  /** Versions beyond one per pushed directory. */
  duplicates: number;
  /** Set when the run did not end well: the reason, stated plainly. */
  failure: string | null;
}

export interface LoadResult {
  stackStartMs: number;
  badInput: BadInputSummary;
  dashboard: DashboardLoadResult;
  /** The same burst with its clients in the stack's process, as reports before issue 15 measured it. */
  dashboardStackProcess: DashboardLoadResult;
  pushes: PushLoadResult;
}

export interface LoadOptions {
  dashboardRequests?: number;
  pushes?: number;
  /** The whole push burst (upload → registered → mirrored) stops here with a failure. */
  pushTimeoutMs?: number;
  log?: (line: string) => void;
}

const LOAD_FAMILY = 'load-bench';
/** A dashboard request still unanswered after this counts as an error. */
const REQUEST_TIMEOUT_MS = 120_000;

/** What the measurements need of a running stack. */
interface LoadStack {
  stack: Stack;
  db: Firestore;
  /** The stack's token secret (lives in its data directory: the corpus signs expired tokens with it). */
  secret: string;
  stackStartMs: number;
}

/** Starts the stack with the demo registry, runs `measure` on it, and stops it (whatever happened). */
async function withLoadStack<T>(measure: (running: LoadStack) => Promise<T>): Promise<T> {
  const saved = { host: process.env.FIRESTORE_EMULATOR_HOST, nodeEnv: process.env.NODE_ENV };
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const started = performance.now();
  // Express prints each answer of its own error handler (the corpus' invalid JSON) unless its env is 'test'.
  process.env.NODE_ENV = 'test';
  let stack: Stack | undefined;
  let db: Firestore | undefined;
  try {
    stack = await startStack({ port: 0, dataDir, demo: true, buildDashboard: false, eventDelivery: QUICK_REDELIVERY }); // comparable with earlier reports: a contended push is redelivered in ms, not Eventarc's 10 s
    restoreEnv('NODE_ENV', saved.nodeEnv);
    const stackStartMs = Math.round(performance.now() - started);
    const { Firestore } = await import('@google-cloud/firestore');
    db = new Firestore({ projectId: stack.projectId });
    return await measure({ stack, db, secret: devSecret(dataDir), stackStartMs });
  } finally {
    restoreEnv('NODE_ENV', saved.nodeEnv);
    await db?.terminate();
    await stack?.stop();
    restoreEnv('FIRESTORE_EMULATOR_HOST', saved.host);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Starts the stack, measures, and stops it (whatever happened). */
export async function benchLoad(opts: LoadOptions = {}): Promise<LoadResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  return withLoadStack(async ({ stack: running, db, secret, stackStartMs }) => {
    log('  bad-input corpus…');
    const { summary: badInput } = await runBadInputCorpus({
      url: running.url, db, sign: (claims) => signDevToken(secret, claims),
      otherState: () => ({ models: running.vertex.models(), endpoints: running.vertex.endpoints(), jobs: running.vertex.pipelineJobs() }),
    });
    log(`  ${badInput.tried} malformed requests, ${badInput.serverErrors} answered 5xx, ${badInput.dataChanges.length} documents changed`);

    const token = await running.token('viewer', 'bench@localhost');
    log(`  ${opts.dashboardRequests ?? 500} concurrent dashboard requests (clients in their own process)…`);
    const dashboard = await dashboardBurst(running.url, token, opts.dashboardRequests ?? 500, 'own-process');
    log(`  p50 ${dashboard.p50} ms, p95 ${dashboard.p95} ms, p99 ${dashboard.p99} ms, ${dashboard.errors} errors`);
    log('  again with the clients in the stack\'s process…');
    const dashboardStackProcess = await dashboardBurst(running.url, token, opts.dashboardRequests ?? 500, 'stack-process');
    log(`  p50 ${dashboardStackProcess.p50} ms, p95 ${dashboardStackProcess.p95} ms, p99 ${dashboardStackProcess.p99} ms, ${dashboardStackProcess.errors} errors`);

    log(`  ${opts.pushes ?? 200} concurrent pushes…`);
    const pushes = await pushBurst(running, db, opts.pushes ?? 200, opts.pushTimeoutMs ?? 5 * 60_000);
    log(pushes.failure ? `  FAILED: ${pushes.failure}` : `  ${pushes.pushesPerSecond} pushes/s, versions 1..${pushes.versions} gapless`);
    return { stackStartMs, badInput, dashboard, dashboardStackProcess, pushes };
  });
}

/**
 * Only the dashboard burst (`npx tsx bench/load.ts --dashboard-only`): a minute or so instead of
 * the whole load bench, for working on the API's latency under a burst.
 */
export async function benchDashboardBurst(requests = 500, clients: BurstClients[] = ['own-process', 'stack-process']): Promise<DashboardLoadResult[]> {
  return withLoadStack(async ({ stack }) => {
    const token = await stack.token('viewer', 'bench@localhost');
    const results: DashboardLoadResult[] = [];
    for (const where of clients) results.push(await dashboardBurst(stack.url, token, requests, where));
    return results;
  });
}

/** `process.env.X = undefined` would store the string "undefined". */
function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** What the dashboard asks for: KPIs, the table (filters, sort, search), the calendar, a version's tabs. */
function dashboardRequests(): DashboardRequest[] {
  const { versionId } = demoSamples();
  return [
    { kind: 'summary', path: '/api/models/summary' },
    { kind: 'list', path: '/api/models?sort=latest&page_size=25' },
    { kind: 'list', path: '/api/models?model_type=retrieval&status=blessed&sort=best&page_size=25' },
    { kind: 'list', path: '/api/models?status=deployed&sort=name&page_size=25' },
    { kind: 'search', path: '/api/models?search=recs&sort=latest&page_size=25' },
    { kind: 'search', path: '/api/models?search=q4&model_type=ranking&sort=best&page_size=25' },
    { kind: 'calendar', path: '/api/training-schedules/calendar?weeks_past=10&weeks_future=30&tz=Europe%2FWarsaw' },
    { kind: 'detail', path: `/api/models/${versionId}` },
    { kind: 'detail', path: `/api/models/${versionId}/versions` },
    { kind: 'detail', path: `/api/models/${versionId}/lineage` },
    { kind: 'detail', path: `/api/models/${versionId}/deployments` },
  ];
}

function stats(times: number[], errors: number): LatencyStats {
  return {
    requests: times.length, errors,
    p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), p99: round(percentile(times, 99)), max: round(Math.max(...times)),
  };
}

/** Where the burst's clients run: a process of their own (as browsers are), or the bench's, which is the stack's. */
export type BurstClients = 'own-process' | 'stack-process';

/** `count` requests, all in flight at once; an error is anything but a 200 with a JSON body. */
async function dashboardBurst(url: string, token: string, count: number, clients: BurstClients): Promise<DashboardLoadResult> {
  const mix = dashboardRequests();
  const job: BurstJob = { url, token, mix, count, timeoutMs: REQUEST_TIMEOUT_MS };
  const { unloaded, results, wallMs } = clients === 'own-process' ? await burstInChild(job) : await fireDashboardBurst(job);
  const byKind = Object.fromEntries([...new Set(mix.map((m) => m.kind))].map((kind) => {
    const of = results.filter((r) => r.kind === kind);
    return [kind, { ...stats(of.map((r) => r.ms), of.filter((r) => r.error).length), unloadedMs: round(percentile(unloaded[kind]!, 50)) }];
  }));
  const failures = results.filter((r) => r.error);
  return {
    ...stats(results.map((r) => r.ms), failures.length), concurrency: count, wallMs, byKind, clients,
    errorSamples: failures.slice(0, 5).map((r) => r.error!),
  };
}

async function burstInChild(job: BurstJob): Promise<BurstTimes> {
  const child = fork(join(__dirname, 'dashboard-clients.ts'), [], { execArgv: ['--require', 'tsx/cjs'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    return await new Promise<BurstTimes>((resolve, reject) => {
      child.once('message', (m: { times?: BurstTimes; error?: string }) => (m.times ? resolve(m.times) : reject(new Error(`burst clients failed: ${m.error}`))));
      child.once('exit', (code) => reject(new Error(`burst clients exited (${code}) before answering`)));
      child.send(job);
    });
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

/** One training run's push: metrics.json naming the family, then the SavedModel under pushed_model/1/. */
function pushFiles(workDir: string, i: number): { name: string; data: Buffer }[] {
  const dir = join(workDir, `push-${i}`);
  writeDemoModel(dir, i);
  const metricsFile = join(dir, 'metrics.json');
  writeFileSync(metricsFile, JSON.stringify({ ...JSON.parse(readFileSync(metricsFile, 'utf8')), family: LOAD_FAMILY }));
  const runId = `load-run-${i}`;
  return [
    { name: `${runId}/metrics.json`, data: readFileSync(metricsFile) },
    ...files(dir).filter((f) => f !== metricsFile).map((f) => ({ name: `${runId}/pushed_model/1/${relative(dir, f)}`, data: readFileSync(f) })),
  ];
}

async function pushBurst(stack: Stack, db: Firestore, count: number, timeoutMs: number): Promise<PushLoadResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-pushes-'));
  const storage = new Storage(storageClientOptions(stack.gcs.url, stack.projectId));
  const bucket = storage.bucket(stack.pushesBucket);
  const versions = db.collection('versions').where('familyId', '==', LOAD_FAMILY);
  const result: PushLoadResult = {
    pushes: count, family: LOAD_FAMILY, uploadMs: 0, uploadErrors: 0, allRegisteredMs: null, allMirroredMs: null, eventsSettledMs: null, pushesPerSecond: null,
    versions: 0, gapless: false, missingNumbers: [], duplicates: 0, failure: null,
  };
  try {
    const pushes = Array.from({ length: count }, (_, i) => pushFiles(workDir, i + 1));
    const started = performance.now();
    const deadline = started + timeoutMs;
    await Promise.all(pushes.map(async ([metrics, ...model]) => {
      try {
        // metrics.json first: the push is complete (and registered) when its last model file lands.
        await bucket.file(metrics!.name).save(metrics!.data, { resumable: false });
        await Promise.all(model.map((f) => bucket.file(f.name).save(f.data, { resumable: false })));
      } catch {
        result.uploadErrors++;
      }
    }));
    result.uploadMs = Math.round(performance.now() - started);

    const until = async (query: Query) => {
      while (performance.now() < deadline) {
        if ((await query.count().get()).data().count >= count) return Math.round(performance.now() - started);
        await sleep(200);
      }
      return null;
    };
    result.allRegisteredMs = await until(versions);
    if (result.allRegisteredMs !== null) {
      result.pushesPerSecond = round(count / (result.allRegisteredMs / 1000), 1);
      result.allMirroredMs = await until(versions.where('vertex.state', '==', 'mirrored'));
      const settled = await Promise.race([stack.gcs.idle().then(() => true), sleep(Math.max(0, deadline - performance.now())).then(() => false)]);
      if (settled) result.eventsSettledMs = Math.round(performance.now() - started);
    }

    const docs = (await versions.select('version', 'artifacts.modelUri').get()).docs;
    const numbers = docs.map((d) => Number(d.get('version'))).sort((a, b) => a - b);
    const pushesSeen = new Set(docs.map((d) => String(d.get('artifacts.modelUri'))));
    result.versions = docs.length;
    result.missingNumbers = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !numbers.includes(n));
    result.gapless = docs.length === count && result.missingNumbers.length === 0;
    result.duplicates = docs.length - pushesSeen.size;
    result.failure = pushFailure(result, timeoutMs);
    return result;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function pushFailure(r: PushLoadResult, timeoutMs: number): string | null {
  if (r.uploadErrors > 0) return `${r.uploadErrors} of ${r.pushes} pushes failed to upload`;
  if (r.allRegisteredMs === null) return `only ${r.versions} of ${r.pushes} pushes were registered within ${timeoutMs / 1000} s`;
  if (!r.gapless) return `version numbers are not 1..${r.pushes}: ${r.versions} versions, missing ${r.missingNumbers.slice(0, 10).join(', ')}`;
  if (r.duplicates > 0) return `${r.duplicates} duplicate version(s)`;
  if (r.allMirroredMs === null) return `not every version was mirrored to Vertex AI within ${timeoutMs / 1000} s`;
  return null;
}

if (require.main === module) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  if (!process.argv.includes('--dashboard-only')) {
    console.error('usage: tsx bench/load.ts --dashboard-only [--requests=500] [--clients=own-process|stack-process]   (the whole load bench runs in `npm run bench`)');
    process.exit(64);
  }
  const clients = arg('clients') ? [arg('clients') as BurstClients] : undefined;
  void benchDashboardBurst(Number(arg('requests') ?? 500), clients).then((runs) => {
    for (const r of runs) {
      console.log(`clients in ${r.clients === 'own-process' ? 'their own process' : "the stack's process"}: ${r.requests} requests, ${r.errors} errors, wall ${r.wallMs} ms: p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms`);
      console.table(Object.fromEntries(Object.entries(r.byKind).map(([k, v]) => [k, { n: v.requests, errors: v.errors, p50: v.p50, p95: v.p95, p99: v.p99, alone: v.unloadedMs }])));
      if (r.errorSamples.length) console.log('errors:', r.errorSamples);
    }
  }, (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
