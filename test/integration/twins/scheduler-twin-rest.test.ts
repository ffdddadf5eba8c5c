import assert from 'node:assert/strict';
import { CloudSchedulerClient } from '@google-cloud/scheduler';
import { schedulerClientOptions, schedulerRestClientOptions, startSchedulerTwin, type SchedulerTwin } from '../../../dev/twins/scheduler';

const PARENT = 'projects/demo-registry/locations/europe-west1';
const jobName = (id: string) => `${PARENT}/jobs/${id}`;
const TARGET = 'http://127.0.0.1:9/trigger'; // never fired: the twin's timer is off

interface GoogleErrorBody { error: { code: number; message: string; status: string } }

/** google-gax 5.0's REST transport rejects with a GaxiosError: HTTP status in `status`, the envelope as its message. */
function restError(error: unknown): { httpStatus: number; body: GoogleErrorBody } {
  const { status, message } = error as { status?: number; message?: string };
  return { httpStatus: Number(status), body: JSON.parse(String(message)) as GoogleErrorBody };
}

describe('Cloud Scheduler twin over REST (unmodified CloudSchedulerClient with fallback: true, and the raw wire)', () => {
  let twin: SchedulerTwin;
  let client: CloudSchedulerClient;
  let grpcClient: CloudSchedulerClient;

  before(async () => {
    twin = await startSchedulerTwin({ autoFire: false, now: () => new Date('2025-03-28T00:00:00Z') });
    client = new CloudSchedulerClient(schedulerRestClientOptions(twin.restPort));
    grpcClient = new CloudSchedulerClient(schedulerClientOptions(twin.port));
  });

  after(async () => {
    await Promise.all([client.close(), grpcClient.close()]);
    await twin.stop();
  });

  beforeEach(async () => {
    for (const job of twin.jobs()) await grpcClient.deleteJob({ name: job.name });
  });

  const createJob = (id: string) =>
    client.createJob({
      parent: PARENT,
      job: {
        name: jobName(id), schedule: '0 9 * * 1', timeZone: 'Europe/Warsaw',
        httpTarget: { uri: TARGET, httpMethod: 'POST', oidcToken: { serviceAccountEmail: 'scheduler@demo-registry.iam.gserviceaccount.com' } },
      },
    }).then(([job]) => job);

  it('creates, lists, gets, pauses and resumes jobs (enums as numbers on the wire, names in the client)', async () => {
    const created = await createJob('weekly');
    assert.equal(created.name, jobName('weekly'));
    assert.equal(created.state, 'ENABLED');
    assert.equal(Number(created.scheduleTime?.seconds), Date.parse('2025-03-31T07:00:00Z') / 1000);
    await createJob('other');

    const [listed] = await client.listJobs({ parent: PARENT }, { autoPaginate: false });
    assert.deepEqual(listed.map((j) => j.name).sort(), [jobName('other'), jobName('weekly')]);
    const [fetched] = await client.getJob({ name: jobName('weekly') });
    assert.equal(fetched.timeZone, 'Europe/Warsaw');
    assert.equal(fetched.httpTarget?.oidcToken?.serviceAccountEmail, 'scheduler@demo-registry.iam.gserviceaccount.com');

    const [paused] = await client.pauseJob({ name: jobName('weekly') });
    assert.equal(paused.state, 'PAUSED');
    assert.equal(twin.jobs().find((j) => j.name === jobName('weekly'))?.state, 'PAUSED');
    const [resumed] = await client.resumeJob({ name: jobName('weekly') });
    assert.equal(resumed.state, 'ENABLED');
  });

  it('updates with a field mask (PATCH, updateMask in the query) and deletes', async () => {
    await createJob('nightly');
    const [updated] = await client.updateJob({ job: { name: jobName('nightly'), description: 'retrain', schedule: '30 2 * * *' }, updateMask: { paths: ['description'] } });
    assert.equal(updated.description, 'retrain');
    assert.equal(updated.schedule, '0 9 * * 1', 'a field outside the mask is kept');
    await client.deleteJob({ name: jobName('nightly') });
    assert.deepEqual(twin.jobs(), []);
  });

  it('shares its state with the gRPC transport', async () => {
    await createJob('shared');
    const [overGrpc] = await grpcClient.pauseJob({ name: jobName('shared') });
    assert.equal(overGrpc.state, 'PAUSED');
    const [overRest] = await client.getJob({ name: jobName('shared') });
    assert.equal(overRest.state, 'PAUSED');
  });

  it('answers Google\'s error envelope: NOT_FOUND for a missing job, INVALID_ARGUMENT for a bad schedule', async () => {
    const missing = restError(await client.getJob({ name: jobName('nope') }).then(() => assert.fail('found'), (e: unknown) => e));
    assert.equal(missing.httpStatus, 404);
    assert.deepEqual(missing.body, { error: { code: 404, message: 'Job not found.', status: 'NOT_FOUND' } });

    const res = await fetch(`${twin.restUrl}/v1/${PARENT}/jobs`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: jobName('bad'), schedule: 'every tuesday', httpTarget: { uri: TARGET } }),
    });
    const body = await res.json() as GoogleErrorBody;
    assert.equal(res.status, 400);
    assert.equal(body.error.status, 'INVALID_ARGUMENT');
  });

  it('serves the raw wire: proto3 JSON with enum names, Durations as strings, :pause with an empty body', async () => {
    await createJob('raw');
    const pause = await fetch(`${twin.restUrl}/v1/${jobName('raw')}:pause`, { method: 'POST', body: '{}' });
    assert.equal(pause.status, 200);
    const job = await pause.json() as Record<string, unknown> & { retryConfig: Record<string, unknown> };
    assert.equal(job.state, 'PAUSED');
    assert.equal(job.attemptDeadline, '180s');
    assert.equal(job.retryConfig.minBackoffDuration, '5s');
    assert.equal('scheduleTime' in job, false, 'a paused job has no next schedule time');
    const numeric = await (await fetch(`${twin.restUrl}/v1/${jobName('raw')}?$alt=json;enum-encoding=int`)).json() as { state: unknown };
    assert.equal(numeric.state, 2, 'PAUSED is 2 when numeric enums are asked for');
  });
});
