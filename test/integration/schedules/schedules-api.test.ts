import assert from 'node:assert/strict';
import request from 'supertest';
import type { ScheduleView } from '../../../shared/schemas/schedule-api';
import { tokenFor } from '../../support/api';
import { SCHEDULER_SA, startSchedulingHarness, type SchedulingHarness } from './harness';

/** Wednesday 2026-03-18 12:00 UTC (13:00 in Warsaw). */
const NOW = new Date('2026-03-18T12:00:00Z');
const BASE = '/api/training-schedules';

const weekly = {
  name: 'recs-weekly-refresh', familyId: 'recs-prod', modelType: 'retrieval', type: 'weekly', dayOfWeek: 1, time: '09:00',
  timeZone: 'Europe/Warsaw', pipelineTemplate: 'gs://pipelines/tfx-recs.json', parameters: { epochs: 3 },
};

describe('training schedules API and their Cloud Scheduler jobs (functions framework, Firestore emulator, scheduler twin)', () => {
  let h: SchedulingHarness;
  let editor: string;
  let viewer: string;

  before(async () => {
    h = await startSchedulingHarness({ start: NOW });
    [editor, viewer] = await Promise.all([tokenFor('editor'), tokenFor('viewer')]);
  });
  after(async () => h.stop());
  beforeEach(async () => h.reset(NOW));

  const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, token = editor) =>
    request(h.api)[method](path).set('Authorization', `Bearer ${token}`);
  const create = async (body: object = weekly): Promise<ScheduleView> => (await call('post', BASE).send(body).expect(201)).body;
  const job = (id: string) => h.scheduler.jobs().find((j) => j.name === h.jobName(id));
  const fieldPaths = (res: request.Response) => res.body.error.fields.map((f: { path: string }) => f.path);

  it('creates a schedule and its enabled job, whose HTTP target is the trigger with the scheduler identity', async () => {
    const res = await call('post', BASE).send(weekly).expect(201);
    const created: ScheduleView = res.body;
    assert.equal(res.headers.location, `${BASE}/${created.id}`);
    assert.match(created.id, /^[0-9a-f]{16}$/);
    assert.deepEqual(
      [created.state, created.sync.state, created.createdBy, created.description, created.nextFireTime],
      ['active', 'synced', 'editor@example.com', 'Weekly (Tue 09:00 Europe/Warsaw)', '2026-03-24T08:00:00.000Z'],
    );
    const created_job = job(created.id)!;
    assert.deepEqual([created_job.schedule, created_job.timeZone, created_job.state], ['0 9 * * 2', 'Europe/Warsaw', 'ENABLED']);
    assert.equal(created_job.httpTarget?.uri, h.triggerUrl);
    assert.deepEqual(created_job.httpTarget?.oidcToken, { serviceAccountEmail: SCHEDULER_SA, audience: h.triggerUrl });
    assert.deepEqual(JSON.parse(Buffer.from(created_job.httpTarget!.body!).toString()), { scheduleId: created.id });
    assert.equal(created_job.description, 'recs-weekly-refresh: Weekly (Tue 09:00 Europe/Warsaw)');
  });

  it('turns a one-time schedule into a cron for its minute, day and month in its time zone', async () => {
    const once = await create({ ...weekly, type: 'once', dayOfWeek: undefined, time: undefined, runAt: '2026-03-20T14:30:00Z' });
    assert.equal(once.runAt, '2026-03-20T14:30:00.000Z');
    assert.equal(job(once.id)?.schedule, '30 15 20 3 *');
    assert.equal(once.nextFireTime, '2026-03-20T14:30:00.000Z');
  });

  it('lists schedules newest first, page by page', async () => {
    const ids: string[] = [];
    for (const minute of [0, 1, 2]) {
      h.clock.now = new Date(NOW.getTime() + minute * 60_000);
      ids.push((await create({ ...weekly, name: `s${minute}` })).id);
    }
    const first = (await call('get', `${BASE}?page_size=2`, viewer).expect(200)).body;
    assert.deepEqual(first.items.map((s: ScheduleView) => s.name), ['s2', 's1']);
    assert.equal(first.pageSize, 2);
    const second = (await call('get', `${BASE}?page_size=2&cursor=${first.nextCursor}`, viewer).expect(200)).body;
    assert.deepEqual([second.items.map((s: ScheduleView) => s.id), second.nextCursor], [[ids[0]], null]);
  });

  it('reads one schedule, and answers 404 for an unknown one', async () => {
    const created = await create();
    const read = (await call('get', `${BASE}/${created.id}`, viewer).expect(200)).body;
    assert.deepEqual(read, created);
    const missing = await call('get', `${BASE}/nope`, viewer).expect(404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
  });

  it('updates the timing and rewrites the job; a new type clears the fields it does not use', async () => {
    const created = await create();
    const res = await call('patch', `${BASE}/${created.id}`).send({ type: 'cron', cron: '15 2 * * 1-5', timeZone: 'america/new_york' }).expect(200);
    const updated: ScheduleView = res.body;
    assert.deepEqual(
      [updated.type, updated.cron, updated.time, updated.dayOfWeek, updated.timeZone, updated.revision, updated.sync.state],
      ['cron', '15 2 * * 1-5', null, null, 'America/New_York', 1, 'synced'],
    );
    assert.deepEqual([job(created.id)?.schedule, job(created.id)?.timeZone], ['15 2 * * 1-5', 'America/New_York']);
    const renamed = (await call('patch', `${BASE}/${created.id}`).send({ name: 'ranking-nightly' }).expect(200)).body;
    assert.equal(renamed.cron, '15 2 * * 1-5');
    assert.equal(job(created.id)?.description, 'ranking-nightly: Cron 15 2 * * 1-5 (America/New_York)');
  });

  it('pauses and resumes the schedule and its job, and pausing twice is harmless', async () => {
    const created = await create();
    const paused = (await call('post', `${BASE}/${created.id}/pause`).expect(200)).body;
    assert.deepEqual([paused.state, paused.nextFireTime, job(created.id)?.state], ['paused', null, 'PAUSED']);
    await call('post', `${BASE}/${created.id}/pause`).expect(200);
    const resumed = (await call('post', `${BASE}/${created.id}/resume`).expect(200)).body;
    assert.deepEqual([resumed.state, resumed.revision, job(created.id)?.state], ['active', 2, 'ENABLED']);
  });

  it('deletes the schedule and its job', async () => {
    const created = await create();
    await call('delete', `${BASE}/${created.id}`).expect(204);
    assert.equal(job(created.id), undefined);
    await call('get', `${BASE}/${created.id}`, viewer).expect(404);
    await call('delete', `${BASE}/${created.id}`).expect(404);
  });

  it('answers 400 naming the field of an invalid cron, an unknown time zone, a past or unaligned run time, or a misplaced field', async () => {
    const cases: [object, string[]][] = [
      [{ ...weekly, type: 'cron', dayOfWeek: undefined, time: undefined, cron: '0 9 * *' }, ['body.cron']],
      [{ ...weekly, type: 'cron', dayOfWeek: undefined, time: undefined, cron: '61 9 * * *' }, ['body.cron']],
      [{ ...weekly, timeZone: 'Mars/Olympus_Mons' }, ['body.timeZone']],
      [{ ...weekly, type: 'once', dayOfWeek: undefined, time: undefined, runAt: '2026-03-18T11:59:00Z' }, ['body.runAt']],
      [{ ...weekly, type: 'once', dayOfWeek: undefined, time: undefined, runAt: '2026-03-20T14:30:30Z' }, ['body.runAt']],
      [{ ...weekly, type: 'daily' }, ['body.dayOfWeek']],
      [{ ...weekly, time: undefined }, ['body.time']],
      [{ ...weekly, parameters: { run_id: 'x' } }, ['body.parameters.run_id']],
      [{ ...weekly, pipelineTemplate: 'file:///etc/passwd' }, ['body.pipelineTemplate']],
      [{ ...weekly, owner: 'me' }, ['body']],
    ];
    for (const [body, paths] of cases) {
      const res = await call('post', BASE).send(body).expect(400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(fieldPaths(res), paths, JSON.stringify(body));
    }
    const created = await create();
    const res = await call('patch', `${BASE}/${created.id}`).send({ type: 'once', runAt: '2020-01-01T00:00:00Z' }).expect(400);
    assert.deepEqual(fieldPaths(res), ['body.runAt']);
    assert.deepEqual(fieldPaths(await call('patch', `${BASE}/${created.id}`).send({}).expect(400)), ['body']);
    assert.equal(h.scheduler.jobs().length, 2, 'only the valid schedule and the sync job exist');
  });

  it('lets viewers read but not change schedules (403)', async () => {
    const created = await create();
    await call('get', BASE, viewer).expect(200);
    for (const [method, path] of [
      ['post', BASE], ['patch', `${BASE}/${created.id}`], ['post', `${BASE}/${created.id}/pause`],
      ['post', `${BASE}/${created.id}/resume`], ['delete', `${BASE}/${created.id}`],
    ] as const) {
      const res = await call(method, path, viewer).send(weekly).expect(403);
      assert.equal(res.body.error.code, 'FORBIDDEN', `${method} ${path}`);
    }
    await request(h.api).get(BASE).expect(401);
  });

  it('keeps the write when Cloud Scheduler is down, marks the schedule pending, and reconcile repairs it', async () => {
    h.scheduler.faults.set({ unavailable: 1_000_000 });
    const created = await create();
    assert.equal(created.sync.state, 'pending');
    assert.match(created.sync.error ?? '', /Cloud Scheduler/);
    h.scheduler.faults.clear();
    assert.equal(job(created.id), undefined);

    const report = await h.reconciler.reconcile();
    assert.deepEqual(report.created, [created.id]);
    assert.equal(job(created.id)?.schedule, '0 9 * * 2');
    assert.equal((await call('get', `${BASE}/${created.id}`, viewer).expect(200)).body.sync.state, 'synced');
  });

  it('reconcile recreates a deleted job, fixes a paused one, removes a job without schedule and leaves other jobs alone', async () => {
    const [a, b] = [await create({ ...weekly, name: 'a' }), await create({ ...weekly, name: 'b' })];
    await h.schedulerClient.deleteJob({ name: h.jobName(a.id) });
    await h.schedulerClient.pauseJob({ name: h.jobName(b.id) });
    await h.schedulerClient.createJob({
      parent: h.parent,
      job: { name: h.jobName('orphan'), schedule: '0 1 * * *', timeZone: 'Etc/UTC', httpTarget: { uri: h.triggerUrl } },
    });

    const report = await h.reconciler.reconcile();
    assert.deepEqual([report.created, report.resumed, report.deleted, report.failed], [[a.id], [b.id], ['orphan'], []]);
    assert.deepEqual(h.scheduler.jobs().map((j) => [j.name, j.state]).sort(), [
      [h.jobName(a.id), 'ENABLED'], [h.jobName(b.id), 'ENABLED'], [h.syncJobName, 'PAUSED'],
    ].sort());
    const again = await h.reconciler.reconcile();
    assert.deepEqual([again.created, again.updated, again.resumed, again.deleted], [[], [], [], []]);
  });
});
