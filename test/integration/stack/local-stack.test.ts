import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { startStack, type Stack } from '../../../dev/stack';
import { writeDemoModel } from '../../../dev/demo/demo-model';
import { storageClientOptions } from '../../../dev/twins/gcs';
import { waitForPort } from '../../../dev/lib/free-port';
import { gcloudCliWith } from '../../support/gcloud-cli';
import { QUICK_REDELIVERY } from '../../support/event-delivery';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

describe('the local stack behind npm start', () => {
  let stack: Stack;
  let savedHost: string | undefined;

  before(async () => {
    savedHost = process.env.FIRESTORE_EMULATOR_HOST;
    stack = await startStack({ port: 0, dataDir: null, demo: false, buildDashboard: false, eventDelivery: QUICK_REDELIVERY });
  });

  after(async () => {
    await stack?.stop();
    if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
  });

  it('registers a model pushed into its bucket and mirrors it to the Vertex twin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-model-'));
    writeDemoModel(dir, 10); // recall@100 0.80 ≥ threshold 0.75: blessed
    const bucket = new Storage(storageClientOptions(stack.gcs.url, stack.projectId)).bucket(stack.pushesBucket);
    await bucket.file('tr-5-20261122090000/metrics.json').save(readFileSync(join(dir, 'metrics.json')));
    for (const file of files(dir).filter((f) => !f.endsWith('metrics.json'))) {
      await bucket.file(`tr-5-20261122090000/pushed_model/1/${relative(dir, file)}`).save(readFileSync(file));
    }
    const token = await stack.token('viewer');
    let body: { items: { id: string; vertex: { state: string }; blessed: boolean | null }[] } = { items: [] };
    for (let i = 0; i < 100 && !(body.items[0]?.vertex.state === 'mirrored'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = await (await fetch(`${stack.url}/api/models`, { headers: { authorization: `Bearer ${token}` } })).json() as typeof body;
    }
    assert.deepEqual(body.items.map((v) => [v.id, v.vertex.state, v.blessed]), [['demo-push-v1', 'mirrored', true]]);
    assert.equal(stack.vertex.models().length, 1);
  });

  it('keeps a version whose Vertex AI mirror failed, and lets an editor mirror it again over HTTP, once', async () => {
    stack.vertex.faults.set({ failMethod: { method: 'UploadModel', code: 14, message: 'Vertex AI is down' } });
    const dir = mkdtempSync(join(tmpdir(), 'stack-model-'));
    writeDemoModel(dir, 11);
    const bucket = new Storage(storageClientOptions(stack.gcs.url, stack.projectId)).bucket(stack.pushesBucket);
    for (const file of files(dir)) {
      const name = file.endsWith('metrics.json') ? 'tr-6-20261122090000/metrics.json' : `tr-6-20261122090000/pushed_model/1/${relative(dir, file)}`;
      await bucket.file(name).save(readFileSync(file));
    }
    await stack.gcs.idle();
    stack.vertex.faults.clear();
    const as = async (role: 'viewer' | 'editor') => ({ authorization: `Bearer ${await stack.token(role)}` });
    const version = await (await fetch(`${stack.url}/api/models/demo-push-v2`, { headers: await as('viewer') })).json() as { vertex: { state: string; nextRetryAt: string | null } };
    assert.equal(version.vertex.state, 'failed');
    assert.ok(version.vertex.nextRetryAt, 'the minute job will retry it by itself');

    assert.equal((await fetch(`${stack.url}/api/models/demo-push-v2/mirror`, { method: 'POST', headers: await as('viewer') })).status, 403);
    const retried = await fetch(`${stack.url}/api/models/demo-push@v2/mirror`, { method: 'POST', headers: await as('editor') });
    assert.equal(retried.status, 200);
    assert.equal(((await retried.json()) as { vertex: { state: string } }).vertex.state, 'mirrored');
    const again = await fetch(`${stack.url}/api/models/demo-push-v2/mirror`, { method: 'POST', headers: await as('editor') });
    assert.deepEqual([again.status, ((await again.json()) as { error: { code: string } }).error.code], [409, 'ALREADY_EXISTS']);
    assert.equal(stack.vertex.models()[0]?.versions.length, 2, 'one Vertex AI version per registry version');
  });

  it('lists every service in its manifest, and the real gcloud reads its Vertex AI models and Scheduler jobs over REST', async function () {
    this.timeout(60_000); // gcloud takes about a second per call
    const { services, gcloudEnv } = stack.manifest;
    assert.equal(services.api, stack.url);
    assert.deepEqual([services.vertex.grpc, services.scheduler.grpc], [stack.vertex.address, stack.scheduler.address]);
    assert.equal(gcloudEnv.CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM, `${stack.vertex.restUrl}/`);
    assert.equal(gcloudEnv.CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDSCHEDULER, `${stack.scheduler.restUrl}/`);
    assert.equal(gcloudEnv.CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE, `${stack.gcs.url}/`);
    // Something listens at each address (a TCP connect: a bare GET would be a refused call to the functions).
    const addresses = [services.api, services.gcs, services.vertex.rest, services.scheduler.rest, ...Object.values(services.functions)].map((url) => new URL(url).host);
    for (const host of [...addresses, services.vertex.grpc, services.scheduler.grpc, services.kms.grpc, services.monitoring.grpc, services.firestore, services.pubsub]) {
      assert.match(host, /^127\.0\.0\.1:\d+$/);
      await waitForPort(Number(host.split(':')[1]), 1000);
    }

    const gcloud = await gcloudCliWith(gcloudEnv);
    try {
      const models = await gcloud.run(['ai', 'models', 'list', `--region=${stack.location}`, '--format=json']);
      assert.equal(models.code, 0, models.stderr);
      assert.deepEqual((JSON.parse(models.out) as Array<{ name: string }>).map((m) => m.name), stack.vertex.models().map((m) => m.name));
      const jobs = await gcloud.run(['scheduler', 'jobs', 'list', `--location=${stack.location}`, '--format=json']);
      assert.equal(jobs.code, 0, jobs.stderr);
      assert.deepEqual((JSON.parse(jobs.out) as Array<{ name: string }>).map((j) => j.name), [`projects/${stack.projectId}/locations/${stack.location}/jobs/registry-sync-runs`]);
    } finally {
      await gcloud.dispose();
    }
  });

  it('registers a SavedModel copied in by the real `gcloud storage cp -r`, which `gcloud ai models list` then lists', async function () {
    this.timeout(90_000); // gcloud takes about a second per call
    const dir = mkdtempSync(join(tmpdir(), 'stack-gcloud-'));
    const model = join(dir, 'model');
    writeDemoModel(model, 12);
    const run = 'tr-7-20261206120000';
    const gcloud = await gcloudCliWith({ ...stack.manifest.gcloudEnv, CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED: 'False' });
    try {
      const metrics = await gcloud.run(['storage', 'cp', join(model, 'metrics.json'), `gs://${stack.pushesBucket}/${run}/metrics.json`]);
      assert.equal(metrics.code, 0, metrics.stderr);
      // The shell's `cp -r model/* gs://…/pushed_model/1/`: the SavedModel's entries, the variables directory recursively.
      const entries = readdirSync(model).filter((n) => n !== 'metrics.json').map((n) => join(model, n));
      const copied = await gcloud.run(['storage', 'cp', '-r', ...entries, `gs://${stack.pushesBucket}/${run}/pushed_model/1/`]);
      assert.equal(copied.code, 0, copied.stderr);

      // What became of the push (GET /api/pushes/{run}:1), then its version's Vertex AI mirror.
      const auth = { authorization: `Bearer ${await stack.token('editor')}` };
      type Listed = { id: string; vertex: { state: string; modelResourceName: string | null } };
      let version: Listed | undefined;
      for (let i = 0; i < 200 && version?.vertex.state !== 'mirrored'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const push = await (await fetch(`${stack.url}/api/pushes/${run}:1`, { headers: auth })).json() as { state?: string; versionId?: string | null };
        if (push.versionId) version = await (await fetch(`${stack.url}/api/models/${push.versionId}`, { headers: auth })).json() as Listed;
      }
      assert.equal(version?.vertex.state, 'mirrored', 'registered from the gcloud copy and mirrored to the Vertex twin');

      const listed = await gcloud.run(['ai', 'models', 'list', `--region=${stack.location}`, '--format=json']);
      assert.equal(listed.code, 0, listed.stderr);
      const models = JSON.parse(listed.out) as Array<{ name: string; displayName: string }>;
      const mirrored = version!.vertex.modelResourceName!.split('@')[0];
      assert.ok(models.some((m) => m.name === mirrored), `gcloud lists ${mirrored} among ${models.map((m) => m.name).join(', ')}`);
    } finally {
      await gcloud.dispose();
    }
  });

  it('registers a push whose family only the files\' custom metadata names, as `gcloud storage cp --custom-metadata` sets it', async function () {
    this.timeout(60_000);
    const model = mkdtempSync(join(tmpdir(), 'stack-metadata-'));
    writeDemoModel(model, 5);
    const entries = readdirSync(model).filter((n) => n !== 'metrics.json').map((n) => join(model, n));
    const run = 'my-gcloud-export-1';
    const gcloud = await gcloudCliWith({ ...stack.manifest.gcloudEnv, CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED: 'False' });
    try {
      const copied = await gcloud.run(['storage', 'cp', '-r', '--custom-metadata=registry-family=gcloud-made,registry-model-type=ranking', ...entries, `gs://${stack.pushesBucket}/${run}/pushed_model/1/`]);
      assert.equal(copied.code, 0, copied.stderr);
    } finally {
      await gcloud.dispose();
    }
    const auth = { authorization: `Bearer ${await stack.token('editor')}` };
    let push: { state?: string; versionId?: string | null } = {};
    for (let i = 0; i < 100 && push.state !== 'registered'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      push = await (await fetch(`${stack.url}/api/pushes/${run}:1`, { headers: auth })).json() as typeof push;
    }
    assert.deepEqual([push.state, push.versionId], ['registered', 'gcloud-made-v1']);
    const version = await (await fetch(`${stack.url}/api/models/gcloud-made-v1`, { headers: auth })).json() as { modelType: string };
    assert.equal(version.modelType, 'ranking');
  });

  it('serves the API and answers unknown routes as JSON on the same origin as the dashboard', async () => {
    const res = await fetch(`${stack.url}/api/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ROUTE_NOT_FOUND');
  });
});
