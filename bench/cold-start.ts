import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { EXTERNAL } from '../functions/build';
import { API_NODE_OPTIONS } from '../functions/src/deployed-functions';
import { freePort } from '../dev/lib/free-port';
import { median, round } from './stats';

const ROOT = join(__dirname, '..');
const FF_MAIN = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');

interface SpawnOptions {
  /** Node flags before the framework's main (e.g. a --require preload). */
  nodeArgs?: string[];
  /** Wait until the port accepts, then this long, and time only the request (send → 200). */
  headStartMs?: number;
  /** Keep the process this long after the 200 (lets the code-cache preload write its caches). */
  lingerMs?: number;
}

const portAccepts = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createConnection(port, '127.0.0.1', () => { socket.destroy(); resolve(true); }).on('error', () => resolve(false));
});

/** Milliseconds from spawning a functions-framework process to its first 200 on `path`. */
async function timeToFirst200(source: string, target: string, path: string, env: Record<string, string>, headers: Record<string, string> = {}, opts: SpawnOptions = {}): Promise<number> {
  const port = await freePort();
  let started = performance.now();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), FF_MAIN, `--target=${target}`, `--source=${source}`, `--port=${port}`], {
    env: { ...process.env, ...env, FUNCTION_TARGET: target, HOST: '127.0.0.1' }, stdio: 'ignore',
  });
  try {
    if (opts.headStartMs !== undefined) {
      // A TCP probe, as Cloud Run's startup probe: no request reaches the function before the timed one.
      while (!(await portAccepts(port))) {
        if (performance.now() - started > 30_000) throw new Error(`${target} never listened`);
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, opts.headStartMs));
      started = performance.now();
    }
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
        if (res.status === 200) return performance.now() - started;
      } catch { /* not listening yet */ }
      if (performance.now() - started > 30_000) throw new Error(`${target} never answered 200 on ${path}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    if (opts.lingerMs) await new Promise((r) => setTimeout(r, opts.lingerMs));
    child.kill('SIGKILL');
  }
}

export interface ColdStartResult {
  runs: number;
  bareMs: number;
  apiHealthMs: number;
  apiFirstListMs: number;
  /** The same first list with Firestore's REST transport, as production runs it (no gRPC loaded). */
  apiFirstListRestMs: number;
  ratioHealth: number;
  ratioFirstList: number;
  ratioFirstListRest: number;
  /** The other options, side by side with the rows above (same runs, interleaved). */
  options: { label: string; ms: number; ratio: number | null }[];
  /** The deployed first list ÷ the floor (the client and one query, nothing of the API): what the API's own code adds. */
  ratioDeployedOverFloor: number;
}

/** The floor fixture, bundled as the API is (minified, the framework left in node_modules). */
async function bundleFloor(): Promise<string> {
  const outfile = join(ROOT, 'dist/bench/bare-firestore/index.js');
  await build({
    entryPoints: [join(__dirname, 'fixtures/bare-firestore/index.ts')], outfile, bundle: true, platform: 'node', target: 'node20',
    format: 'cjs', minify: true, external: EXTERNAL, legalComments: 'none', logLevel: 'warning',
  });
  return outfile;
}

export async function benchColdStart(env: Record<string, string>, token: string, runs = 5): Promise<ColdStartResult> {
  const auth = { authorization: `Bearer ${token}` };
  const rest = { ...env, FIRESTORE_PREFER_REST: 'true' };
  const unbundled = join(ROOT, 'dist/functions/src/index.js');
  const bundled = join(ROOT, 'dist/bundle/index.js');
  // V8 code caches for the bundle, written by one run with the same flags as the measured ones.
  const cacheDir = mkdtempSync(join(tmpdir(), 'cold-code-cache-'));
  const preload = ['--require', join(__dirname, 'fixtures/code-cache/preload.js')];
  const floor = await bundleFloor();
  await timeToFirst200(bundled, 'api', '/api/models', { ...rest, CODE_CACHE_DIR: cacheDir, CODE_CACHE_WRITE: '1' }, auth, { nodeArgs: preload, lingerMs: 1500 });
  const deployed = `api bundled — first GET /api/models, REST (as deployed: NODE_OPTIONS=${API_NODE_OPTIONS})`;
  const floorLabel = 'floor: bare function + the Firestore client + one query of the first list\'s shape (bundled, REST)';
  const cases: { label: string; run: () => Promise<number>; spawnToFirst200?: false }[] = [
    { label: 'bare', run: () => timeToFirst200(join(__dirname, 'fixtures/bare/index.js'), 'bare', '/', {}) },
    { label: 'health', run: () => timeToFirst200(unbundled, 'api', '/api/health', env) },
    { label: 'list', run: () => timeToFirst200(unbundled, 'api', '/api/models', env, auth) },
    { label: 'listRest', run: () => timeToFirst200(unbundled, 'api', '/api/models', rest, auth) },
    { label: 'api bundled (dist/bundle, deployed) — GET /api/health', run: () => timeToFirst200(bundled, 'api', '/api/health', env) },
    { label: 'api bundled — first GET /api/models, gRPC', run: () => timeToFirst200(bundled, 'api', '/api/models', env, auth) },
    { label: deployed, run: () => timeToFirst200(bundled, 'api', '/api/models', { ...rest, NODE_OPTIONS: API_NODE_OPTIONS }, auth) },
    { label: floorLabel, run: () => timeToFirst200(floor, 'bareFirestore', '/', rest) },
    { label: 'api bundled + V8 code cache (bench preload) — first GET /api/models, REST', run: () => timeToFirst200(bundled, 'api', '/api/models', { ...rest, CODE_CACHE_DIR: cacheDir }, auth, { nodeArgs: preload }) },
    { label: 'api bundled — first GET /api/models, REST, sent 1 s after listen (send → 200)', run: () => timeToFirst200(bundled, 'api', '/api/models', rest, auth, { headStartMs: 1000 }), spawnToFirst200: false },
  ];
  const samples = cases.map(() => [] as number[]);
  try {
    // Interleaved, so that a noisy neighbour slows every option alike.
    for (let i = 0; i < runs; i++) for (const [k, c] of cases.entries()) samples[k]!.push(await c.run());
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const medians = samples.map((xs) => median(xs));
  const [b, health, list, listRest, ...others] = medians;
  const medianOf = (label: string) => medians[cases.findIndex((c) => c.label === label)]!;
  return {
    runs, bareMs: round(b!), apiHealthMs: round(health!), apiFirstListMs: round(list!), apiFirstListRestMs: round(listRest!),
    ratioHealth: round(health! / b!, 2), ratioFirstList: round(list! / b!, 2), ratioFirstListRest: round(listRest! / b!, 2),
    options: others.map((ms, k) => ({ label: cases[k + 4]!.label, ms: round(ms!), ratio: cases[k + 4]!.spawnToFirst200 === false ? null : round(ms! / b!, 2) })),
    ratioDeployedOverFloor: round(medianOf(deployed) / medianOf(floorLabel), 2),
  };
}

if (require.main === module) {
  void (async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    const { execFileSync } = await import('node:child_process');
    const { startFirestoreEmulator } = await import('../dev/emulators/firestore.js');
    const { seedSynthetic } = await import('./read-costs.js');
    const { signDevToken } = await import('../functions/src/http/token-verifiers.js');
    execFileSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: ROOT });
    const emulator = await startFirestoreEmulator({ projectId: 'bench-cold' });
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
    const { Firestore } = await import('@google-cloud/firestore');
    const db = new Firestore({ projectId: emulator.projectId, ignoreUndefinedProperties: true });
    const secret = 'bench-secret-0123456789-0123456789-abcdef';
    try {
      await seedSynthetic(db, 0, 1000);
      const env = { GOOGLE_CLOUD_PROJECT: emulator.projectId, AUTH_MODE: 'dev', DEV_AUTH_SECRET: secret, LOG_LEVEL: 'CRITICAL', FIRESTORE_EMULATOR_HOST: emulator.host };
      const r = await benchColdStart(env, await signDevToken(secret, { role: 'viewer', email: 'bench@localhost' }));
      const row = (label: string, ms: number, ratio: number | null) => console.log(`${String(ms).padStart(8)} ms  ${ratio === null ? '    —' : `${ratio.toFixed(2)}×`}  ${label}`);
      row('bare functions-framework function', r.bareMs, 1);
      row('api (dist/functions, tsc) — GET /api/health', r.apiHealthMs, r.ratioHealth);
      row('api (dist/functions) — first GET /api/models, gRPC', r.apiFirstListMs, r.ratioFirstList);
      row('api (dist/functions) — first GET /api/models, REST', r.apiFirstListRestMs, r.ratioFirstListRest);
      for (const o of r.options) row(o.label, o.ms, o.ratio);
      console.log(`deployed first list ÷ floor: ${r.ratioDeployedOverFloor.toFixed(2)}×`);
    } finally {
      await db.terminate();
      await emulator.stop();
    }
  })();
}
