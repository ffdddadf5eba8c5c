import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { writeDemoModel } from '../../../dev/demo/demo-model';
import { storageClientOptions } from '../../../dev/twins/gcs';
import { signDevToken } from '../../../functions/src/http/token-verifiers';

const ROOT = join(__dirname, '../../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

interface Running {
  child: ChildProcess; output: () => string; closed: Promise<void>;
  manifest: { url: string; gcsUrl: string; pushesBucket: string; projectId: string; location: string; services: { scheduler: { rest: string } } };
}

/** A real `npm start` in its own process group (as a terminal runs it), on free ports, over `dataDir`. */
async function npmStart(dataDir: string): Promise<Running> {
  const child = spawn('npm', ['start', '--', '--no-demo', '--port=0'], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REGISTRY_DATA_DIR: dataDir, FIRESTORE_EMULATOR_HOST: '' },
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  // Every holder of the pipes has gone (npm or tsx may die of the signal before the stack is saved).
  const closed = Promise.all([new Promise((ok) => child.stdout!.once('close', ok)), new Promise((ok) => child.stderr!.once('close', ok))]).then(() => undefined);
  const stackFile = join(dataDir, 'stack.json');
  for (let i = 0; !existsSync(stackFile) || !output.includes('Ctrl-C saves'); i++) {
    if (child.exitCode !== null || i > 900) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output, closed, manifest: JSON.parse(readFileSync(stackFile, 'utf8')) };
}

describe('npm start stopped by a signal to its process group (slow: four real starts)', function () {
  this.timeout(600_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'registry-signals-'));
  let running: Running | undefined;

  after(async () => {
    if (running && running.child.exitCode === null) {
      try { process.kill(-running.child.pid!, 'SIGKILL'); } catch { /* gone */ }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = async <T = { items: Array<{ id: string }> }>(path: string, body?: unknown): Promise<T> => {
    const token = await signDevToken(readFileSync(join(dataDir, 'dev-auth-secret'), 'utf8').trim(), { role: 'editor', email: 'editor@localhost' });
    const res = await fetch(`${running!.manifest.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    assert.ok(res.status === 200 || res.status === 201, await res.clone().text());
    return res.json() as Promise<T>;
  };
  /** How many training runs the calendar's history counts (a day groups a schedule's runs). */
  const runCount = async () => {
    const calendar = await api<{ historical: Record<string, { runs: number }> }>('/api/training-schedules/calendar?weeks_past=1&weeks_future=1');
    return Object.values(calendar.historical).reduce((n, day) => n + day.runs, 0);
  };
  /** The Cloud Scheduler twin's jobs, over its REST front as gcloud reads them. */
  const jobs = async () => {
    const { scheduler } = running!.manifest.services;
    const res = await fetch(`${scheduler.rest.replace(/\/$/, '')}/v1/projects/${running!.manifest.projectId}/locations/${running!.manifest.location}/jobs`);
    const body = await res.json() as { jobs?: Array<{ name: string }> };
    return (body.jobs ?? []).map((j) => j.name.split('/').pop()!).sort();
  };
  const objects = async () => {
    const storage = new Storage(storageClientOptions(running!.manifest.gcsUrl, running!.manifest.projectId));
    const [list] = await storage.bucket(running!.manifest.pushesBucket).getFiles();
    return list.map((f) => f.name).sort();
  };

  it('keeps the versions, schedules, runs, Scheduler jobs and twin objects across SIGINT, SIGTERM and SIGHUP', async () => {
    running = await npmStart(dataDir);
    // A schedule firing every minute: its Cloud Scheduler job, and a run once it has fired.
    const schedule = await api<{ id: string }>('/api/training-schedules', {
      name: 'signals-minutely', familyId: 'signals-model', modelType: 'retrieval', type: 'cron', cron: '* * * * *', timeZone: 'UTC', pipelineTemplate: 'gs://templates/tfx.json',
    });
    const model = mkdtempSync(join(tmpdir(), 'signals-model-'));
    writeDemoModel(model, 10);
    const bucket = new Storage(storageClientOptions(running.manifest.gcsUrl, running.manifest.projectId)).bucket(running.manifest.pushesBucket);
    await bucket.file('sig-1-20261206000000/metrics.json').save(readFileSync(join(model, 'metrics.json')));
    for (const file of files(model).filter((f) => !f.endsWith('metrics.json'))) {
      await bucket.file(`sig-1-20261206000000/pushed_model/1/${relative(model, file)}`).save(readFileSync(file));
    }
    let versions: string[] = [];
    for (let i = 0; i < 300 && versions.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      versions = (await api('/api/models')).items.map((v) => v.id);
    }
    assert.deepEqual(versions, ['demo-push-v1']);
    let runs = 0;
    for (let i = 0; i < 1500 && runs === 0; i++) { // the first fire comes within a minute
      await new Promise((r) => setTimeout(r, 100));
      runs = await runCount();
    }
    assert.ok(runs > 0, 'the schedule fired and its run was recorded');
    const scheduled = (await api('/api/training-schedules')).items.map((x) => x.id);
    assert.deepEqual(scheduled, [schedule.id]);
    const jobsBefore = await jobs();
    assert.ok(jobsBefore.length >= 2, `the sync job and the schedule's: ${jobsBefore.join(', ')}`);
    const pushed = await objects();
    assert.ok(pushed.length > 1);

    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.kill(-running.child.pid!, signal);
      await running.closed;
      const said = running.output();
      assert.match(said, /data saved; stopped\./, said);
      assert.ok(existsSync(join(dataDir, 'saved.json')), `${signal}: a complete save is marked`);
      running = await npmStart(dataDir);
      assert.doesNotMatch(running.output(), /no complete Firestore save/, `${signal}: the save was complete`);
      // The schedule keeps firing while stopped and started: what existed before is kept, more may come.
      const now = (await api('/api/models')).items.map((v) => v.id);
      assert.ok(versions.every((id) => now.includes(id)), `${signal}: versions kept (${versions.join(', ')} in ${now.join(', ')})`);
      assert.deepEqual((await api('/api/training-schedules')).items.map((x) => x.id), scheduled, `${signal}: schedules kept`);
      const runsNow = await runCount();
      assert.ok(runsNow >= runs, `${signal}: runs kept (${runs} before, ${runsNow} now)`);
      assert.deepEqual(await jobs(), jobsBefore, `${signal}: Scheduler jobs kept`);
      const objectsNow = await objects();
      assert.ok(pushed.every((name) => objectsNow.includes(name)), `${signal}: twin objects kept`);
      versions = now;
      runs = runsNow;
    }
    process.kill(-running.child.pid!, 'SIGINT');
    await running.closed;
  });

  it('starts empty, saying why, over twin state a stop did not finish saving', async () => {
    rmSync(join(dataDir, 'firestore'), { recursive: true, force: true });
    assert.ok(existsSync(join(dataDir, 'gcs')), 'the twins saved their state');
    running = await npmStart(dataDir);
    assert.match(running.output(), /no complete Firestore save .*moved them to .*unsaved-\d+ and starting empty/);
    assert.deepEqual((await api('/api/models')).items, []);
    process.kill(-running.child.pid!, 'SIGINT');
    await running.closed;
  });
});
