import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../dev/lib/free-port';
import { median, round } from './stats';

const ROOT = join(__dirname, '..');
const FF_MAIN = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');

/** Milliseconds from spawning a functions-framework process to its first 200 on `path`. */
async function timeToFirst200(source: string, target: string, path: string, env: Record<string, string>, headers: Record<string, string> = {}): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [FF_MAIN, `--target=${target}`, `--source=${source}`, `--port=${port}`], {
    env: { ...process.env, ...env, FUNCTION_TARGET: target, HOST: '127.0.0.1' }, stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
        if (res.status === 200) return performance.now() - started;
      } catch { /* not listening yet */ }
      if (performance.now() - started > 30_000) throw new Error(`${target} never answered 200 on ${path}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
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
}

export async function benchColdStart(env: Record<string, string>, token: string, runs = 5): Promise<ColdStartResult> {
  const bare: number[] = [];
  const health: number[] = [];
  const list: number[] = [];
  const listRest: number[] = [];
  const apiSource = join(ROOT, 'dist/functions/src/index.js');
  for (let i = 0; i < runs; i++) {
    bare.push(await timeToFirst200(join(__dirname, 'fixtures/bare/index.js'), 'bare', '/', {}));
    health.push(await timeToFirst200(apiSource, 'api', '/api/health', env));
    list.push(await timeToFirst200(apiSource, 'api', '/api/models', env, { authorization: `Bearer ${token}` }));
    listRest.push(await timeToFirst200(apiSource, 'api', '/api/models', { ...env, FIRESTORE_PREFER_REST: 'true' }, { authorization: `Bearer ${token}` }));
  }
  const b = median(bare);
  return {
    runs, bareMs: round(b), apiHealthMs: round(median(health)), apiFirstListMs: round(median(list)), apiFirstListRestMs: round(median(listRest)),
    ratioHealth: round(median(health) / b, 2), ratioFirstList: round(median(list) / b, 2), ratioFirstListRest: round(median(listRest) / b, 2),
  };
}

if (require.main === module) {
  void (async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    const { execFileSync } = await import('node:child_process');
    const { startFirestoreEmulator } = await import('../dev/emulators/firestore.js');
    const { seedSynthetic } = await import('./read-costs.js');
    const { signDevToken } = await import('../functions/src/http/token-verifiers.js');
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: ROOT });
    const emulator = await startFirestoreEmulator({ projectId: 'bench-cold' });
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
    const { Firestore } = await import('@google-cloud/firestore');
    const db = new Firestore({ projectId: emulator.projectId, ignoreUndefinedProperties: true });
    const secret = 'bench-secret-0123456789-0123456789-abcdef';
    try {
      await seedSynthetic(db, 0, 1000);
      const env = { GOOGLE_CLOUD_PROJECT: emulator.projectId, AUTH_MODE: 'dev', DEV_AUTH_SECRET: secret, LOG_LEVEL: 'CRITICAL', FIRESTORE_EMULATOR_HOST: emulator.host };
      console.log(await benchColdStart(env, await signDevToken(secret, { role: 'viewer', email: 'bench@localhost' })));
    } finally {
      await db.terminate();
      await emulator.stop();
    }
  })();
}
