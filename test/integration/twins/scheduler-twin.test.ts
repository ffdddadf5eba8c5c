import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudSchedulerClient } from '@google-cloud/scheduler';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { schedulerClientOptions, startSchedulerTwin, type SchedulerTwin } from '../../../dev/twins/scheduler';

interface Received { method: string; path: string; headers: IncomingHttpHeaders; body: string }

/** A loopback HTTP target recording every request; `failNext(path, n, status)` makes its next n answers fail. */
async function startTarget() {
  const received: Received[] = [];
  const failures = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(failures.get(path)?.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path: string) => `${base}${path}`,
    at: (path: string) => received.filter((r) => r.path === path),
    failNext: (path: string, count: number, status: number) => failures.set(path, Array<number>(count).fill(status)),
    reset: () => { received.length = 0; failures.clear(); },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const PARENT = 'projects/demo-registry/locations/europe-west1';
const jobName = (id: string) => `${PARENT}/jobs/${id}`;
const scheduleTimes = (requests: Received[]) => requests.map((r) => r.headers['x-cloudscheduler-scheduletime']);
const seconds = (timestamp: { seconds?: unknown } | null | undefined) => Number(timestamp?.seconds);

describe('Cloud Scheduler twin (unmodified CloudSchedulerClient over gRPC)', () => {
  let twin: SchedulerTwin;
  let client: CloudSchedulerClient;
  let target: Awaited<ReturnType<typeof startTarget>>;
  let clock: Date;

  const createJob = (id: string, job: Record<string, unknown> = {}) =>
    client.createJob({
      parent: PARENT,
      job: { name: jobName(id), schedule: '0 9 * * *', timeZone: 'Europe/Warsaw', httpTarget: { uri: target.url(`/${id}`) }, ...job },
    }).then(([created]) => created);

  before(async () => {
    target = await startTarget();
    twin = await startSchedulerTwin({ now: () => clock, autoFire: false, retryScale: 0.001 });
    client = new CloudSchedulerClient(schedulerClientOptions(twin.port));
  });

  after(async () => {
    await client.close();
    await twin.stop();
    await target.stop();
  });

  beforeEach(async () => {
    clock = new Date('2025-03-28T00:00:00Z');
    twin.faults.clear();
    for (const job of twin.jobs()) await client.deleteJob({ name: job.name });
    target.reset();
  });

  describe('job management', () => {
    it('creates, reads, updates with a mask, pauses, resumes and deletes a job', async () => {
      const created = await createJob('nightly', { description: 'retrain' });
      assert.equal(created.name, jobName('nightly'));
      assert.equal(created.state, 'ENABLED');
      assert.equal(created.httpTarget?.httpMethod, 'POST');
      assert.equal(seconds(created.scheduleTime), Date.parse('2025-03-28T08:00:00Z') / 1000);

      const [fetched] = await client.getJob({ name: jobName('nightly') });
      assert.equal(fetched.description, 'retrain');
      assert.equal(fetched.timeZone, 'Europe/Warsaw');

      const [updated] = await client.updateJob({
        job: { name: jobName('nightly'), schedule: '30 6 * * *', description: 'not in the mask', timeZone: 'Asia/Tokyo' },
        updateMask: { paths: ['schedule', 'time_zone'] },
      });
      assert.equal(updated.schedule, '30 6 * * *');
      assert.equal(updated.timeZone, 'Asia/Tokyo');
      assert.equal(updated.description, 'retrain');
      assert.equal(updated.httpTarget?.uri, target.url('/nightly'));
      assert.equal(seconds(updated.scheduleTime), Date.parse('2025-03-27T21:30:00Z') / 1000 + 86_400);

      const [paused] = await client.pauseJob({ name: jobName('nightly') });
      assert.equal(paused.state, 'PAUSED');
      const [resumed] = await client.resumeJob({ name: jobName('nightly') });
      assert.equal(resumed.state, 'ENABLED');

      await client.deleteJob({ name: jobName('nightly') });
      await assert.rejects(client.getJob({ name: jobName('nightly') }), { code: 5 });
    });

    it('answers ALREADY_EXISTS to a second job with the same name', async () => {
      await createJob('twice');
      await assert.rejects(createJob('twice'), { code: 6 });
    });

    it('answers FAILED_PRECONDITION when resuming a job that is not paused', async () => {
      await createJob('running');
      await assert.rejects(client.resumeJob({ name: jobName('running') }), { code: 9 });
    });

    it('lists jobs page by page in name order', async () => {
      for (const id of ['e', 'c', 'a', 'd', 'b']) await createJob(`list-${id}`);
      const pages: string[][] = [];
      let pageToken = '';
      do {
        const [jobs, , response] = await client.listJobs({ parent: PARENT, pageSize: 2, pageToken }, { autoPaginate: false });
        pages.push(jobs.map((job) => job.name?.split('/').pop() ?? ''));
        pageToken = response?.nextPageToken ?? '';
      } while (pageToken);
      assert.deepEqual(pages, [['list-a', 'list-b'], ['list-c', 'list-d'], ['list-e']]);

      const all: string[] = [];
      for await (const job of client.listJobsAsync({ parent: PARENT, pageSize: 2 }, { autoPaginate: false })) all.push(job.name ?? '');
      assert.equal(all.length, 5);
    });

    for (const schedule of ['61 * * * *', 'every banana', '0 0 9 * * *', '']) {
      it(`answers INVALID_ARGUMENT with Cloud Scheduler's message to the schedule "${schedule}"`, async () => {
        await assert.rejects(createJob('bad-cron', { schedule }), (err: { code: number; message: string }) => {
          assert.equal(err.code, 3);
          assert.match(err.message, /Schedule or time zone is invalid\./);
          return true;
        });
      });
    }

    it('answers INVALID_ARGUMENT to an unknown time zone', async () => {
      await assert.rejects(createJob('bad-zone', { timeZone: 'Europe/Atlantis' }), { code: 3 });
    });
  });

  describe('firing on the cron in the job time zone', () => {
    it('fires a daily 09:00 Europe/Warsaw job at 09:00 local on both sides of the spring DST change', async () => {
      await createJob('warsaw');
      await twin.tick(new Date('2025-04-01T00:00:00Z'));
      assert.deepEqual(scheduleTimes(target.at('/warsaw')), [
        '2025-03-28T08:00:00.000Z', '2025-03-29T08:00:00.000Z', // CET, UTC+1
        '2025-03-30T07:00:00.000Z', '2025-03-31T07:00:00.000Z', // CEST, UTC+2
      ]);
    });

    it('fires a daily 09:00 America/New_York job at 09:00 local on both sides of the spring DST change', async () => {
      clock = new Date('2025-03-07T00:00:00Z');
      await createJob('new-york', { timeZone: 'America/New_York' });
      await twin.tick(new Date('2025-03-11T00:00:00Z'));
      assert.deepEqual(scheduleTimes(target.at('/new-york')), [
        '2025-03-07T14:00:00.000Z', '2025-03-08T14:00:00.000Z', // EST, UTC-5
        '2025-03-09T13:00:00.000Z', '2025-03-10T13:00:00.000Z', // EDT, UTC-4
      ]);
    });

    it('never fires the same slot twice across ticks', async () => {
      await createJob('once');
      await twin.tick(new Date('2025-03-28T09:00:00Z'));
      await twin.tick(new Date('2025-03-28T10:00:00Z'));
      assert.deepEqual(scheduleTimes(target.at('/once')), ['2025-03-28T08:00:00.000Z']);
    });

    it('does not fire a paused job, and does not replay its missed slots once resumed', async () => {
      await createJob('paused');
      await client.pauseJob({ name: jobName('paused') });
      await twin.tick(new Date('2025-03-30T00:00:00Z'));
      assert.equal(target.at('/paused').length, 0);

      clock = new Date('2025-03-30T00:00:00Z');
      await client.resumeJob({ name: jobName('paused') });
      await twin.tick(new Date('2025-03-31T00:00:00Z'));
      assert.deepEqual(scheduleTimes(target.at('/paused')), ['2025-03-30T07:00:00.000Z']);
    });

    it('fires a job now on RunJob and records the attempt on the job', async () => {
      clock = new Date('2025-03-28T12:34:56Z');
      await createJob('manual');
      await client.runJob({ name: jobName('manual') });
      await twin.settled();
      assert.deepEqual(scheduleTimes(target.at('/manual')), ['2025-03-28T12:34:56.000Z']);
      const [job] = await client.getJob({ name: jobName('manual') });
      assert.equal(seconds(job.lastAttemptTime), Date.parse('2025-03-28T12:34:56Z') / 1000);
      assert.equal(job.status?.code ?? 0, 0);
    });
  });

  describe('the HTTP request', () => {
    const audience = 'https://registry.example.com/retrain';
    const email = 'scheduler@demo-registry.iam.gserviceaccount.com';

    it('carries the job method, headers and body and the X-CloudScheduler headers', async () => {
      await createJob('request', {
        httpTarget: { uri: target.url('/request'), httpMethod: 'PUT', headers: { 'Content-Type': 'application/json', 'X-Team': 'ml' }, body: Buffer.from('{"family":"recs"}') },
      });
      await twin.tick(new Date('2025-03-28T09:00:00Z'));
      const [request] = target.at('/request');
      assert.equal(request?.method, 'PUT');
      assert.equal(request.body, '{"family":"recs"}');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['x-team'], 'ml');
      assert.equal(request.headers['x-cloudscheduler'], 'true');
      assert.equal(request.headers['x-cloudscheduler-jobname'], 'request');
      assert.equal(request.headers['x-cloudscheduler-scheduletime'], '2025-03-28T08:00:00.000Z');
      assert.equal(request.headers.authorization, undefined);
    });

    it('sends an OIDC token that verifies against the twin JWKS URL for the job audience only', async () => {
      await createJob('signed', { httpTarget: { uri: target.url('/signed'), oidcToken: { serviceAccountEmail: email, audience } } });
      await client.runJob({ name: jobName('signed') });
      await twin.settled();
      const token = target.at('/signed')[0]?.headers.authorization?.replace(/^Bearer /, '') ?? '';
      const keys = createRemoteJWKSet(new URL(twin.jwksUrl));

      const { payload, protectedHeader } = await jwtVerify(token, keys, { audience, issuer: twin.issuer });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(protectedHeader.kid, (twin.jwks.keys[0] as { kid?: string }).kid);
      assert.equal(payload.email, email);
      assert.equal(payload.email_verified, true);
      assert.match(payload.sub ?? '', /^\d{21}$/);
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);

      await assert.rejects(jwtVerify(token, keys, { audience: 'https://elsewhere.example.com' }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    });

    it('uses the target URI as the audience when the job names none', async () => {
      await createJob('default-aud', { httpTarget: { uri: target.url('/default-aud'), oidcToken: { serviceAccountEmail: email } } });
      await client.runJob({ name: jobName('default-aud') });
      await twin.settled();
      const token = target.at('/default-aud')[0]?.headers.authorization?.replace(/^Bearer /, '') ?? '';
      await jwtVerify(token, createRemoteJWKSet(new URL(twin.jwksUrl)), { audience: target.url('/default-aud') });
    });
  });

  describe('retries and faults', () => {
    it('retries a target that answered 500 once, with the same ScheduleTime', async () => {
      target.failNext('/flaky', 1, 500);
      await createJob('flaky', { retryConfig: { retryCount: 3, minBackoffDuration: { seconds: 5 } } });
      await twin.tick(new Date('2025-03-28T09:00:00Z'));
      assert.deepEqual(scheduleTimes(target.at('/flaky')), ['2025-03-28T08:00:00.000Z', '2025-03-28T08:00:00.000Z']);
      assert.deepEqual(
        twin.deliveries().filter((d) => d.jobName === jobName('flaky')).map((d) => [d.attempt, d.status]),
        [[1, 500], [2, 200]],
      );
      const [job] = await client.getJob({ name: jobName('flaky') });
      assert.equal(job.status?.code ?? 0, 0);
    });

    it('gives up after retryCount retries and reports the failure in the job status', async () => {
      target.failNext('/down', 10, 503);
      await createJob('down', { retryConfig: { retryCount: 2 } });
      await twin.tick(new Date('2025-03-28T09:00:00Z'));
      assert.equal(target.at('/down').length, 3);
      const [job] = await client.getJob({ name: jobName('down') });
      assert.equal(job.status?.code, 14);
    });

    it('does not retry when retryCount is 0', async () => {
      target.failNext('/no-retry', 1, 500);
      await createJob('no-retry');
      await twin.tick(new Date('2025-03-28T09:00:00Z'));
      assert.equal(target.at('/no-retry').length, 1);
    });

    it('delivers each firing twice with duplicateDeliveries: 2', async () => {
      twin.faults.set({ duplicateDeliveries: 2 });
      await createJob('dup');
      await twin.tick(new Date('2025-03-28T09:00:00Z'));
      assert.deepEqual(scheduleTimes(target.at('/dup')), ['2025-03-28T08:00:00.000Z', '2025-03-28T08:00:00.000Z']);
    });

    it('answers UNAVAILABLE while the fault is set: the client retries GetJob but not CreateJob', async () => {
      await createJob('flaky-api');
      twin.faults.set({ unavailable: 1 });
      const [job] = await client.getJob({ name: jobName('flaky-api') });
      assert.equal(job.name, jobName('flaky-api'));

      twin.faults.set({ unavailable: 1 });
      await assert.rejects(createJob('refused'), { code: 14 });
    });
  });

  describe('the real timer', () => {
    let timed: SchedulerTwin;
    let timedClient: CloudSchedulerClient;
    let now: Date;

    before(async () => {
      timed = await startSchedulerTwin({ now: () => now });
      timedClient = new CloudSchedulerClient(schedulerClientOptions(timed.port));
    });

    after(async () => {
      await timedClient.close();
      await timed.stop();
    });

    it('fires a due job within a second, and only the latest of several missed slots', async () => {
      now = new Date('2025-03-28T12:00:30Z');
      await timedClient.createJob({
        parent: PARENT,
        job: { name: jobName('minutely'), schedule: '* * * * *', httpTarget: { uri: target.url('/minutely') } },
      });
      now = new Date('2025-03-28T12:03:10Z'); // slots 12:01, 12:02 and 12:03 are all due
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await timed.settled();
      assert.deepEqual(scheduleTimes(target.at('/minutely')), ['2025-03-28T12:03:00.000Z']);
    });
  });
});
