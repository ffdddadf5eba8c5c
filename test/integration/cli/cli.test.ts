import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoModel } from '../../../dev/demo/demo-model';
import { startStack, type Stack } from '../../../dev/stack';
import { EXIT } from '../../../cli/session';
import { reconcileSummaryCounters } from '../../../functions/src/adapters/firestore/summary-counters';
import { QUICK_REDELIVERY } from '../../support/event-delivery';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'model-registry.cjs');

interface Run { code: number; stdout: string; stderr: string }

describe('model-registry CLI against the local stack (npm start)', function () {
  this.timeout(120_000);
  let stack: Stack;
  let savedHost: string | undefined;
  const home = mkdtempSync(join(tmpdir(), 'cli-home-'));
  const dataDir = join(home, 'data');

  /** The CLI as a user runs it: its own process, its own config file. */
  const cli = (...args: string[]): Promise<Run> => new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], {
      cwd: home, env: { ...process.env, MODEL_REGISTRY_CONFIG: join(home, 'config.json'), MODEL_REGISTRY_TOKEN: '' },
    }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
  const json = <T>(run: Run): T => {
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as T;
  };

  before(async () => {
    savedHost = process.env.FIRESTORE_EMULATOR_HOST;
    stack = await startStack({ port: 0, dataDir, demo: false, buildDashboard: false, eventDelivery: QUICK_REDELIVERY });
  });

  after(async () => {
    await stack?.stop();
    if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
  });

  it('logs in to the local stack and saves a config only its owner can read', async () => {
    const login = json<{ url: string; versions: number }>(await cli('--json', 'login', '--local', dataDir));
    assert.equal(login.url, stack.url);
    assert.equal(login.versions, 0);
    assert.equal(statSync(join(home, 'config.json')).mode & 0o777, 0o600);
  });

  it('pushes a model directory, waits for its registration, and downloads it verified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-model-'));
    writeDemoModel(dir, 12);
    const push = json<{ state: string; versionId: string }>(
      await cli('--json', 'push', dir, '--family', 'cli-recs', '--model-type', 'retrieval', '--run', 'tr-41-20261205120000', '--version-dir', '1'),
    );
    assert.deepEqual([push.state, push.versionId], ['registered', 'cli-recs-v1']);

    const listed = json<{ items: { id: string; blessed: boolean }[] }>(await cli('--json', 'ls'));
    assert.deepEqual(listed.items.map((v) => [v.id, v.blessed]), [['cli-recs-v1', true]]);
    const table = await cli('ls');
    assert.match(table.stdout, /^VERSION\s+STATUS\s+METRIC/);
    assert.match(table.stdout, /cli-recs-v1\s+IDLE\s+R@100 0\.82/);

    const zip = join(home, 'cli-recs-v1.zip');
    const download = json<{ ok: boolean; verifiedFiles: number; versionId: string }>(await cli('--json', 'download', 'cli-recs@latest', '-o', zip, '--verify'));
    assert.deepEqual([download.ok, download.verifiedFiles, download.versionId], [true, 3, 'cli-recs-v1']);
    assert.equal((await cli('verify', zip)).code, 0);

    // One byte of a model file changed: the offline check names it and fails.
    const bytes = readFileSync(zip);
    const at = bytes.indexOf(Buffer.from('model/variables/variables.data-00000-of-00001')) + 200;
    bytes[at] = bytes[at]! ^ 0xff;
    const tampered = join(home, 'tampered.zip');
    writeFileSync(tampered, bytes);
    const verify = await cli('verify', tampered);
    assert.equal(verify.code, EXIT.integrity, verify.stdout + verify.stderr);
    assert.match(verify.stdout + verify.stderr, /FAILED|cannot be read/);
  });

  it('prints why the registry refused a push, with its own exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-bad-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    writeFileSync(join(dir, 'model.safetensors.index.json'), 'not json');
    const run = await cli('push', dir, '--family', 'cli-recs', '--run', 'tr-42-20261205120000', '--version-dir', '1', '--timeout', '60');
    assert.equal(run.code, EXIT.refused, run.stderr);
    assert.match(run.stderr, /push tr-42-20261205120000:1 was refused: INVALID_INDEX/);
  });

  it('sets an alias, removes one only when it still names the expected version, and exits per error code', async () => {
    assert.equal((await cli('alias', 'set', 'cli-recs', 'prod', '1', '--expect', 'none')).code, 0);
    const stale = await cli('alias', 'rm', 'cli-recs', 'prod', '--expect', '7');
    assert.equal(stale.code, EXIT.conflict, stale.stderr);
    assert.match(stale.stderr, /\[VERSION_MISMATCH\]/);
    const shown = json<{ id: string; aliases: string[] }>(await cli('--json', 'show', 'cli-recs@prod'));
    assert.deepEqual([shown.id, shown.aliases.sort()], ['cli-recs-v1', ['latest', 'prod']]);

    assert.equal((await cli('show', 'cli-recs-v9')).code, EXIT.notFound);
    const missing = await cli('download', 'cli-recs-v9', '-o', join(home, 'missing.zip'));
    assert.equal(missing.code, EXIT.notFound, missing.stderr);
    assert.match(missing.stderr, /\[NOT_FOUND\]/);
    const bad = await cli('ls', '--limit', '500');
    assert.equal(bad.code, EXIT.usage);
    assert.match(bad.stderr, /query\.page_size/);
  });

  it('deploys and undeploys a version, and rolls a challenger out beside the serving one', async () => {
    const deployed = json<{ changed: boolean; version: { deployed: boolean } }>(await cli('--json', 'deploy', 'cli-recs@prod'));
    assert.deepEqual([deployed.changed, deployed.version.deployed], [true, true]);
    const again = await cli('deploy', 'cli-recs@prod');
    assert.match(again.stdout, /already deployed; nothing changed/);

    const dir = mkdtempSync(join(tmpdir(), 'cli-model-'));
    writeDemoModel(dir, 13);
    const push = json<{ versionId: string }>(
      await cli('--json', 'push', dir, '--family', 'cli-recs', '--model-type', 'retrieval', '--run', 'tr-43-20261205130000', '--version-dir', '1'),
    );
    assert.equal(push.versionId, 'cli-recs-v2');
    const canary = json<{ changed: boolean; deployment: { trafficPercent: number } }>(await cli('--json', 'rollout', 'cli-recs-v2', '--percent', '20', '--force'));
    assert.deepEqual([canary.changed, canary.deployment.trafficPercent], [true, 20]);
    const bad = await cli('rollout', 'cli-recs-v2', '--percent', '100');
    assert.equal(bad.code, EXIT.usage);
    assert.match(bad.stderr, /--percent must be from 1 to 99/);

    // A stepwise plan on the challenger already serving at 20 %: it starts at its first step.
    assert.equal((await cli('rollout', 'status', 'cli-recs-v2')).code, EXIT.notFound);
    const planned = json<{ status: string; plan: { steps: { trafficPercent: number; bakeMinutes: number }[]; guards: { maxErrorRate: number; minPredictions: number } } }>(
      await cli('--json', 'rollout', 'cli-recs-v2', '--steps', '30,100', '--bake', '60', '--max-error-rate', '0.1', '--min-predictions', '5', '--reason', 'cli canary'),
    );
    assert.equal(planned.status, 'running');
    assert.deepEqual(planned.plan.steps, [{ trafficPercent: 30, bakeMinutes: 60 }, { trafficPercent: 100, bakeMinutes: 60 }]);
    assert.deepEqual([planned.plan.guards.maxErrorRate, planned.plan.guards.minPredictions], [0.1, 5]);
    const again2 = await cli('rollout', 'cli-recs-v2', '--steps', '30,100');
    assert.equal(again2.code, EXIT.conflict, 'one rollout at a time');

    // Predictions from the endpoint, read from a file, answered by one of the two deployed versions.
    const instances = join(home, 'instances.json');
    writeFileSync(instances, JSON.stringify([{ user: 'u-1', items: [3, 5] }]));
    const predicted = json<{ predictions: unknown[]; answeredBy: { versionId: string }; latencyMs: number }>(await cli('--json', 'predict', 'cli-recs-v2', '--instances', instances));
    assert.equal(predicted.predictions.length, 1);
    assert.ok(['cli-recs-v1', 'cli-recs-v2'].includes(predicted.answeredBy.versionId), predicted.answeredBy.versionId);
    assert.match((await cli('predict', 'cli-recs-v2', '--instances', instances)).stdout, /^answered by:\s+cli-recs-v[12] \(deployed model/);
    const notJson = join(home, 'instances.txt');
    writeFileSync(notJson, 'user=u-1');
    assert.equal((await cli('predict', 'cli-recs-v2', '--instances', notJson)).code, EXIT.usage);

    const promoted = await cli('rollout', 'promote', 'cli-recs-v2', '--reason', 'looks good');
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, /status:\s+completed/);
    assert.match(promoted.stdout, /started\s+30%.*cli canary/);
    assert.match(promoted.stdout, /promoted\s+100%.*looks good/);
    assert.equal((await cli('rollout', 'rollback', 'cli-recs-v2')).code, EXIT.conflict, 'nothing left to roll back');

    // The promotion retired the champion: only the challenger is left to undeploy.
    assert.equal(json<{ changed: boolean }>(await cli('--json', 'undeploy', 'cli-recs-v1')).changed, false);
    assert.equal(json<{ changed: boolean }>(await cli('--json', 'undeploy', 'cli-recs-v2', '--reason', 'cli test')).changed, true);
    // Registrations, deploys and undeploys kept the KPI counters exact: the reconcile finds no drift.
    const fs = await import('@google-cloud/firestore');
    const db = new fs.Firestore({ projectId: stack.projectId });
    const check = await reconcileSummaryCounters({ db, fs });
    await db.terminate();
    assert.deepEqual([check.repaired, check.counted.total, check.counted.deployed], [false, 2, 0]);
  });

  it('refuses to run without a login, telling how to log in', async () => {
    const run = await new Promise<Run>((resolve) => {
      execFile(process.execPath, [BIN, 'ls'], { env: { ...process.env, MODEL_REGISTRY_CONFIG: join(home, 'none.json') } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
    assert.equal(run.code, EXIT.unauthenticated);
    assert.match(run.stderr, /model-registry login/);
  });
});
