import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoModel } from '../../../dev/demo/demo-model';
import { startStack, type Stack } from '../../../dev/stack';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run { code: number; stdout: string; stderr: string }

describe('npm run push (dev/push.ts) against a running local stack', function () {
  this.timeout(120_000);
  let stack: Stack;
  let savedHost: string | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'push-script-'));

  /** The script as `npm run push -- …` runs it, in its own process, finding the stack by its data dir. */
  const push = (...args: string[]): Promise<Run> => new Promise((resolve) => {
    execFile(TSX, [join(ROOT, 'dev', 'push.ts'), ...args], { cwd: ROOT, env: { ...process.env, REGISTRY_DATA_DIR: dataDir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
  /** A SavedModel directory without metrics.json: what a user exports by hand. */
  const bareModel = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bare-model-'));
    writeDemoModel(dir, 3);
    unlinkSync(join(dir, 'metrics.json'));
    return dir;
  };

  before(async () => {
    savedHost = process.env.FIRESTORE_EMULATOR_HOST;
    stack = await startStack({ port: 0, dataDir, demo: false, buildDashboard: false });
  });

  after(async () => {
    await stack?.stop();
    if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers a directory without metrics.json into the family --family names, and says which version it became', async () => {
    const run = await push(bareModel(), 'my-export-1', '--family=hand-made', '--model-type=retrieval', '--version-dir=1');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /registered hand-made-v1/);
    assert.match(run.stdout, /note: .*metrics\.json/, 'the registry\'s note that no metrics came with it');
  });

  it('says within its wait why a push naming no family was refused, and exits 2', async () => {
    const run = await push(bareModel(), 'my-export-2', '--version-dir=1', '--timeout=30');
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /refused: UNKNOWN_FAMILY: .*registry-family/);
  });

  it('refuses a model type the registry does not know before uploading anything', async () => {
    const run = await push(bareModel(), 'my-export-3', '--family=x', '--model-type=regression');
    assert.equal(run.code, 64);
    assert.match(run.stderr, /--model-type must be one of retrieval/);
    assert.doesNotMatch(run.stdout, /uploaded/);
  });
});
