import assert from 'node:assert/strict';
import request from 'supertest';
import type { PipelineJob } from '../../../dev/twins/vertex';
import type { ScheduleView } from '../../../shared/schemas/schedule-api';
import type { TrainingRun } from '../../../shared/schemas/training-run';
import { tokenFor } from '../../support/api';
import { PUSHES, SCHEDULER_SA, startSchedulingHarness, type SchedulingHarness } from './harness';

/** Wednesday 2026-03-18 12:00 UTC; a daily 09:00 Warsaw schedule next fires at 2026-03-19T08:00Z. */
const NOW = new Date('2026-03-18T12:00:00Z');
const FIRST_SLOT = new Date('2026-03-19T08:00:00Z');

const daily = {
  name: 'recs-daily', familyId: 'recs-prod', modelType: 'retrieval', type: 'daily', time: '09:00',
  timeZone: 'Europe/Warsaw', pipelineTemplate: 'gs://pipelines/tfx-recs.json', parameters: { epochs: 3, threshold: 0.5 },
};

const ENDED = ['PIPELINE_STATE_SUCCEEDED', 'PIPELINE_STATE_FAILED', 'PIPELINE_STATE_CANCELLED'];

describe('scheduled training: scheduler twin → trigger → Vertex twin (toy trainer) → sync (functions framework on loopback)', () => {
  let h: SchedulingHarness;
  let editor: string;

  before(async () => {
    h = await startSchedulingHarness({ start: NOW, toyTrainer: true });
    editor = await tokenFor('editor');
  });
  after(async () => h.stop());
  beforeEach(async () => h.reset(NOW));

  const create = async (body: object = daily): Promise<ScheduleView> =>
    (await request(h.api).post('/api/training-schedules').set('Authorization', `Bearer ${editor}`).send(body).expect(201)).body;
  /** Advances the shared clock and lets the scheduler twin fire every slot due by then. */
  const fireUntil = async (until: Date) => {
    h.clock.now = until;
    await h.scheduler.tick(until);
  };
  const triggerStatuses = (scheduleId: string) =>
    h.scheduler.deliveries().filter((d) => d.jobName === h.jobName(scheduleId)).map((d) => d.status);
  const pipelineJobsOf = (scheduleId: string) => h.vertex.pipelineJobs().filter((j) => j.labels?.schedule_id === scheduleId);
  const parameters = (job: PipelineJob) =>
    Object.fromEntries(Object.entries(job.runtimeConfig?.parameterValues ?? {}).map(([k, v]) => [k, v.stringValue ?? v.numberValue ?? v.boolValue]));
  async function pipelineEnded(name: string): Promise<PipelineJob> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const job = h.vertex.pipelineJobs().find((j) => j.name === name);
      if (job && ENDED.includes(String(job.state))) return job;
      if (Date.now() > deadline) throw new Error(`pipeline job ${name} did not end (state ${String(job?.state)})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const runOf = async (scheduleId: string): Promise<TrainingRun[]> => (await h.runs()).filter((r) => r.scheduleId === scheduleId);

  it('fires the job at its slot: the trigger creates one running run and launches one pipeline job with the run id', async () => {
    const schedule = await create();
    await fireUntil(FIRST_SLOT);

    assert.deepEqual(triggerStatuses(schedule.id), [200]);
    const [run, ...others] = await runOf(schedule.id);
    assert.deepEqual(others, []);
    assert.deepEqual(
      [run!.id, run!.name, run!.runNumber, run!.status, run!.runId, run!.scheduledFor, run!.startedAt, run!.familyId, run!.modelType],
      ['1', 'TR-1', 1, 'running', 'tr-1-20260319080000', FIRST_SLOT.toISOString(), FIRST_SLOT.toISOString(), 'recs-prod', 'retrieval'],
    );
    assert.deepEqual(run!.config.trainingParams, { epochs: 3, threshold: 0.5 });
    const [job, ...moreJobs] = pipelineJobsOf(schedule.id);
    assert.deepEqual(moreJobs, []);
    assert.equal(run!.pipelineJob, job!.name);
    assert.ok(job!.name!.endsWith(`/pipelineJobs/tr-1-20260319080000-${schedule.id}`));
    assert.equal(job!.templateUri, 'gs://pipelines/tfx-recs.json');
    assert.deepEqual(parameters(job!), {
      epochs: 3, threshold: 0.5, run_id: 'tr-1-20260319080000', pushes_bucket: PUSHES, family: 'recs-prod', model_type: 'retrieval',
    });
    assert.deepEqual(job!.labels, { schedule_id: schedule.id, training_run: '1', family: 'recs-prod', model_type: 'retrieval' });
    await pipelineEnded(job!.name!);
  });

  it('[fault] creates one run and one pipeline job when Cloud Scheduler delivers a firing twice at once', async () => {
    const schedule = await create();
    h.scheduler.faults.set({ duplicateDeliveries: 2 });
    await fireUntil(FIRST_SLOT);

    // Both deliveries end 200; one that lost the transaction race too often answers 503 first and is retried.
    const statuses = triggerStatuses(schedule.id);
    assert.deepEqual(statuses.filter((s) => s !== 503), [200, 200], `statuses ${statuses}`);
    assert.equal((await runOf(schedule.id)).length, 1);
    assert.equal(pipelineJobsOf(schedule.id).length, 1);
    await pipelineEnded(pipelineJobsOf(schedule.id)[0]!.name!);
  });

  it('answers 401 to a token for another audience or another service account, and creates no run', async () => {
    const schedule = await create();
    const body = Buffer.from(JSON.stringify({ scheduleId: schedule.id }));
    for (const [id, oidcToken] of [
      ['wrong-audience', { serviceAccountEmail: SCHEDULER_SA, audience: 'https://trigger.elsewhere.example' }],
      ['wrong-account', { serviceAccountEmail: 'intruder@demo-registry.iam.gserviceaccount.com', audience: h.triggerUrl }],
      ['no-token', undefined],
    ] as const) {
      await h.schedulerClient.createJob({
        parent: h.parent,
        job: { name: `${h.parent}/jobs/${id}`, schedule: '0 7 * * *', timeZone: 'Etc/UTC', httpTarget: { uri: h.triggerUrl, body, headers: { 'Content-Type': 'application/json' }, oidcToken } },
      });
    }
    await h.schedulerClient.pauseJob({ name: h.jobName(schedule.id) });
    await fireUntil(new Date('2026-03-19T07:00:00Z'));

    const statuses = Object.fromEntries(['wrong-audience', 'wrong-account', 'no-token'].map((id) => [id, h.scheduler.deliveries().filter((d) => d.jobName === `${h.parent}/jobs/${id}`).map((d) => d.status)]));
    assert.deepEqual(statuses, { 'wrong-audience': [401], 'wrong-account': [401], 'no-token': [401] });
    assert.deepEqual(await h.runs(), []);
  });

  it('[fault] retries a delivery that found Vertex unavailable, and the retry launches the run once', async () => {
    const schedule = await create();
    h.vertex.faults.set({ failMethod: { method: 'CreatePipelineJob', code: 14, message: 'Vertex is down', times: 1 } });
    await fireUntil(FIRST_SLOT);

    assert.deepEqual(triggerStatuses(schedule.id), [503, 200]);
    const runs = await runOf(schedule.id);
    assert.deepEqual(runs.map((r) => r.status), ['running']);
    assert.equal(pipelineJobsOf(schedule.id).length, 1);
    await pipelineEnded(runs[0]!.pipelineJob!);
  });

  it('runs a one-time schedule at its run time only, and never a paused schedule', async () => {
    const once = await create({ ...daily, name: 'backfill', type: 'once', time: undefined, runAt: '2026-03-20T14:30:00Z' });
    const paused = await create({ ...daily, name: 'paused' });
    await request(h.api).post(`/api/training-schedules/${paused.id}/pause`).set('Authorization', `Bearer ${editor}`).expect(200);
    // The paused job does not fire; forcing it (RunJob) reaches the trigger, which ignores it.
    await h.schedulerClient.runJob({ name: h.jobName(paused.id) });
    await fireUntil(new Date('2027-03-21T00:00:00Z'));

    assert.deepEqual(triggerStatuses(once.id), [200, 200], 'fired in 2026 and again in 2027');
    assert.deepEqual((await runOf(once.id)).map((r) => r.scheduledFor), ['2026-03-20T14:30:00.000Z']);
    assert.deepEqual([triggerStatuses(paused.id), await runOf(paused.id)], [[200], []]);
    await pipelineEnded(pipelineJobsOf(once.id)[0]!.name!);
  });

  it('records a failed pipeline as a failed run with its error at the next sync', async () => {
    const schedule = await create();
    h.vertex.pipelines.failNext('Trainer: OOM on worker 0 (n1-highmem-8)');
    await fireUntil(FIRST_SLOT);
    const [run] = await runOf(schedule.id);
    const job = await pipelineEnded(run!.pipelineJob!);
    assert.equal(job.state, 'PIPELINE_STATE_FAILED');

    assert.equal(await h.runSync(), 200);
    const [synced] = await runOf(schedule.id);
    assert.deepEqual([synced!.status, synced!.error, synced!.blessed], ['failed', 'Trainer: OOM on worker 0 (n1-highmem-8)', null]);
    assert.ok(synced!.completedAt);
  });

  it('records a toy trainer that fails on demand as a failed run with the trainer\'s error', async () => {
    const schedule = await create({ ...daily, parameters: { fail: true } });
    await fireUntil(FIRST_SLOT);
    const [run] = await runOf(schedule.id);
    await pipelineEnded(run!.pipelineJob!);

    assert.equal(await h.runSync(), 200);
    const [synced] = await runOf(schedule.id);
    assert.equal(synced!.status, 'failed');
    assert.match(synced!.error ?? '', /toy trainer: training failed on request/);
    const files = await h.gcsFiles(run!.runId);
    assert.deepEqual(files, []);
  });

  it('records successful toy-trainer runs as completed or not blessed, with metrics from their metrics.json', async () => {
    const blessed = await create();
    const rejected = await create({ ...daily, name: 'ranking-daily', familyId: 'ranking-q4', modelType: 'ranking', parameters: { threshold: 0.1 } });
    await fireUntil(FIRST_SLOT);
    const runs = [...(await runOf(blessed.id)), ...(await runOf(rejected.id))];
    for (const run of runs) assert.equal((await pipelineEnded(run.pipelineJob!)).state, 'PIPELINE_STATE_SUCCEEDED');
    assert.equal(await h.runSync(), 200);

    const [good] = await runOf(blessed.id);
    assert.deepEqual([good!.status, good!.blessed, good!.error], ['completed', true, null]);
    assert.deepEqual(Object.keys(good!.metrics).sort(), ['loss', 'recall_at_100', 'recall_at_50']);
    assert.deepEqual(good!.evaluation, { metric: 'recall_at_100', comparator: '>=', threshold: 0.5, achieved: good!.metrics.recall_at_100, blessed: true });
    assert.ok(good!.completedAt);
    const pushed = await h.gcsFiles(good!.runId);
    assert.deepEqual(pushed.map((name) => name.replace(/\/pushed_model\/\d+\//, '/pushed_model/<n>/')).sort(), [
      `${good!.runId}/metrics.json`,
      `${good!.runId}/pushed_model/<n>/input_example.json`,
      `${good!.runId}/pushed_model/<n>/saved_model.pb`,
      `${good!.runId}/pushed_model/<n>/variables/variables.data-00000-of-00001`,
      `${good!.runId}/pushed_model/<n>/variables/variables.index`,
    ]);

    const [bad] = await runOf(rejected.id);
    assert.deepEqual([bad!.status, bad!.blessed, Object.keys(bad!.metrics).sort()], ['not_blessed', false, ['loss', 'rmse']]);
  });
});
