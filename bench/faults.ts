import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultOutcome } from './reliability';

interface MochaJsonTest { fullTitle: string; duration?: number; err: { message?: string } }

/**
 * Runs the fault tests (every integration test whose name carries "[fault]": the Firestore emulator
 * restarted mid-burst, Vertex AI and Cloud Storage failing, a doubled scheduler firing, Pub/Sub
 * down, finalize events duplicated, reordered, late or failing) and reports which survived. They assert that nothing was lost or half-written.
 */
export function benchFaults(): FaultOutcome[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-faults-'));
  const output = join(dir, 'faults.json');
  try {
    spawnSync('npx', ['mocha', '--grep', '\\[fault\\]', '--reporter', 'json', '--reporter-option', `output=${output}`, 'test/**/*.test.ts'], {
      cwd: join(__dirname, '..'), stdio: ['ignore', 'ignore', 'inherit'], timeout: 20 * 60_000,
    });
    const report = JSON.parse(readFileSync(output, 'utf8')) as { tests: MochaJsonTest[] };
    return report.tests.map((t) => ({
      name: t.fullTitle.replace('[fault] ', ''),
      survived: !t.err?.message,
      detail: t.err?.message ? t.err.message.split('\n')[0] : `${((t.duration ?? 0) / 1000).toFixed(1)} s`,
    }));
  } catch (error) {
    return [{ name: 'fault suite', survived: false, detail: `did not run: ${(error as Error).message}` }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
