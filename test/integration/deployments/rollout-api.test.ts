import assert from 'node:assert/strict';
import request from 'supertest';
import { VertexServing } from '../../../functions/src/adapters/vertex/endpoints';
import { DomainError } from '../../../shared/errors';
import { LOCATION, recordingPublisher, startDeploymentsHarness, type DeploymentsHarness } from './harness';

describe('canary rollouts (Vertex twin endpoints and predictions, Cloud Monitoring twin, Firestore emulator)', () => {
  let h: DeploymentsHarness;
  const published = recordingPublisher();
  let family = 0;

  before(async () => {
    h = await startDeploymentsHarness({ overrides: { wrapPublisher: () => published } });
  });
  after(async () => h?.stop());
  beforeEach(async () => {
    published.events.length = 0;
    await h.reset();
  });

  const post = (path: string, body: object = {}) => request(h.server).post(path).set('Authorization', `Bearer ${h.tokens.deployer}`).send(body);
  const get = (path: string) => request(h.server).get(path).set('Authorization', `Bearer ${h.tokens.viewer}`);
  const splitOf = (endpoint: string) => h.vertex.endpoints().find((e) => e.name === endpoint)!.trafficSplit;

  /** A champion serving all traffic and a challenger deployed beside it with none. */
  async function championAndChallenger() {
    const familyId = `rollout-${++family}`;
    const champion = await h.seedMirrored({ familyId, version: 1 });
    const challenger = await h.seedMirrored({ familyId, version: 2 });
    const c = (await post(`/api/models/${champion.id}/deploy`).expect(200)).body.deployment;
    const d = (await post(`/api/models/${challenger.id}/deploy`, { trafficPercent: 0 }).expect(200)).body.deployment;
    return { champion, challenger, endpoint: c.endpoint as string, championModel: c.deployedModelId as string, challengerModel: d.deployedModelId as string };
  }

  /** n predictions through the API; how many the challenger answered. */
  async function predict(versionId: string, challengerVersionId: string, n: number): Promise<number> {
    let byChallenger = 0;
    for (let i = 0; i < n; i++) {
      const res = await post(`/api/models/${versionId}/predict`, { instances: [{ i }] });
      if (res.status === 200 ? res.body.answeredBy.versionId === challengerVersionId : true) byChallenger++;
    }
    return byChallenger;
  }

  it('advances a healthy challenger 10 → 50 → 100 %, then retires the champion, recording every step', async () => {
    const { champion, challenger, endpoint, championModel, challengerModel } = await championAndChallenger();
    const plan = { steps: [{ trafficPercent: 10, bakeMinutes: 0 }, { trafficPercent: 50, bakeMinutes: 0 }, { trafficPercent: 100, bakeMinutes: 0 }], guards: { maxErrorRate: 0.05, minPredictions: 1 } };

    const started = await post(`/api/models/${challenger.id}/rollout`, { plan, reason: 'new ranking features' }).expect(200);
    assert.equal(started.body.status, 'running');
    assert.deepEqual(splitOf(endpoint), { [championModel]: 90, [challengerModel]: 10 });
    assert.equal(await predict(champion.id, challenger.id, 10), 1);

    assert.deepEqual((await h.writes.rollouts.advance()).advanced, [challenger.id]);
    assert.deepEqual(splitOf(endpoint), { [championModel]: 50, [challengerModel]: 50 });
    assert.equal(await predict(champion.id, challenger.id, 10), 5);

    assert.deepEqual((await h.writes.rollouts.advance()).advanced, [challenger.id]);
    assert.deepEqual(splitOf(endpoint), { [championModel]: 0, [challengerModel]: 100 });
    assert.deepEqual((await h.writes.rollouts.advance()).completed, [challenger.id]);
    assert.deepEqual(h.vertex.endpoints().find((e) => e.name === endpoint)!.deployedModels!.map((d) => d.id), [challengerModel]);

    const rollout = (await get(`/api/models/${challenger.id}/rollout`).expect(200)).body;
    assert.equal(rollout.status, 'completed');
    assert.deepEqual(rollout.steps.map((s: { action: string; trafficPercent: number; actor: string }) => [s.action, s.trafficPercent, s.actor]), [
      ['started', 10, 'deployer@example.com'], ['advanced', 50, 'rollout-guard'], ['advanced', 100, 'rollout-guard'], ['completed', 100, 'rollout-guard'],
    ]);
    const history = (await get(`/api/models/${challenger.id}/deployments`).expect(200)).body.items;
    assert.deepEqual(history.filter((e: { action: string }) => e.action === 'rollout_step').map((e: { trafficPercent: number }) => e.trafficPercent), [100, 100, 50, 10]);
    assert.equal(published.events.filter((e) => e.type === 'com.modelregistry.version.rollout_step').length, 4);
    assert.equal((await get(`/api/models/${champion.id}`).expect(200)).body.status, 'idle');
    assert.equal((await get(`/api/models/${challenger.id}`).expect(200)).body.deployment.trafficPercent, 100);
    const audit = (await get(`/api/audit?kind=rollout.step&family=${challenger.familyId}&order=asc`).expect(200)).body.items;
    assert.deepEqual(audit.map((r: { subject: string; actor: string; after: { action: string; trafficPercent: number } }) => [r.subject, r.actor, r.after.action, r.after.trafficPercent]), [
      [challenger.id, 'deployer@example.com', 'started', 10], [challenger.id, 'rollout-guard', 'advanced', 50],
      [challenger.id, 'rollout-guard', 'advanced', 100], [challenger.id, 'rollout-guard', 'completed', 100],
    ]);
    assert.match(audit[0].reason, /new ranking features/);
  });

  it('rolls back by itself when the challenger\'s predictions fail, and says which guard was breached', async () => {
    const { champion, challenger, endpoint, championModel, challengerModel } = await championAndChallenger();
    const plan = { steps: [{ trafficPercent: 10, bakeMinutes: 60 }, { trafficPercent: 100, bakeMinutes: 0 }], guards: { maxErrorRate: 0.05, minPredictions: 3 } };
    await post(`/api/models/${challenger.id}/rollout`, { plan }).expect(200);
    h.vertex.predictions.fail(challengerModel, { message: 'bad weights' });

    assert.equal(await predict(champion.id, challenger.id, 30), 3);
    const report = await h.writes.rollouts.advance();

    assert.deepEqual(report.rolledBack, [challenger.id]);
    assert.deepEqual(splitOf(endpoint), { [championModel]: 100, [challengerModel]: 0 });
    const rollout = (await get(`/api/models/${challenger.id}/rollout`).expect(200)).body;
    assert.equal(rollout.status, 'rolled_back');
    const last = rollout.steps.at(-1);
    assert.deepEqual([last.action, last.actor, last.trafficPercent], ['auto_rolled_back', 'rollout-guard', 0]);
    assert.match(last.reason, /error rate 1 > 0.05/);
    assert.equal((await post(`/api/models/${challenger.id}/rollout/promote`).expect(409)).body.error.code, 'CONFLICT');
  });

  it('holds a step while it bakes and while the challenger is healthy', async () => {
    const { challenger, endpoint, challengerModel } = await championAndChallenger();
    const plan = { steps: [{ trafficPercent: 10, bakeMinutes: 60 }, { trafficPercent: 100, bakeMinutes: 0 }] };
    await post(`/api/models/${challenger.id}/rollout`, { plan }).expect(200);
    const report = await h.writes.rollouts.advance();
    assert.deepEqual([report.advanced, report.rolledBack, report.completed], [[], [], []]);
    assert.equal(splitOf(endpoint)?.[challengerModel], 10);
  });

  it('rolls back by hand, and refuses a rollout without a champion beside the challenger', async () => {
    const { champion, challenger, endpoint, championModel, challengerModel } = await championAndChallenger();
    await post(`/api/models/${challenger.id}/rollout`, { plan: { steps: [{ trafficPercent: 50, bakeMinutes: 5 }, { trafficPercent: 100, bakeMinutes: 0 }] } }).expect(200);
    const back = await post(`/api/models/${challenger.id}/rollout/rollback`, { reason: 'drill' }).expect(200);
    assert.deepEqual([back.body.status, back.body.steps.at(-1).reason, back.body.steps.at(-1).actor], ['rolled_back', 'drill', 'deployer@example.com']);
    assert.deepEqual(splitOf(endpoint), { [championModel]: 100, [challengerModel]: 0 });

    const alone = await h.seedMirrored({ familyId: `rollout-${++family}`, version: 1 });
    await post(`/api/models/${alone.id}/deploy`).expect(200);
    const refused = await post(`/api/models/${alone.id}/rollout`, { plan: { steps: [{ trafficPercent: 100, bakeMinutes: 0 }] } }).expect(409);
    assert.equal(refused.body.error.code, 'CONFLICT');
    assert.equal((await post(`/api/models/${champion.id}/rollout`, { plan: { steps: [{ trafficPercent: 60, bakeMinutes: 0 }] } }).expect(400)).body.error.fields[0].path, 'body.plan.steps.0.trafficPercent');
  });

  it('lets one of two traffic changes made from the same read of the endpoint win; the other fails with TRAFFIC_CHANGED', async () => {
    const { endpoint, championModel, challengerModel } = await championAndChallenger();
    const serving = new VertexServing(async () => h.endpointClient(), { project: h.projectId, location: LOCATION });
    const read = await serving.endpoint(endpoint);
    assert.ok(read.etag);

    const results = await Promise.allSettled([
      serving.setTraffic({ endpoint, etag: read.etag!, trafficSplit: { [championModel]: 90, [challengerModel]: 10 } }),
      serving.setTraffic({ endpoint, etag: read.etag!, trafficSplit: { [championModel]: 50, [challengerModel]: 50 } }),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(lost[0]!.reason instanceof DomainError);
    assert.equal(lost[0]!.reason.code, 'TRAFFIC_CHANGED');
    assert.deepEqual(splitOf(endpoint), won[0]!.status === 'fulfilled' ? won[0]!.value.trafficSplit : null);
  });
});
