import assert from 'node:assert/strict';
import request from 'supertest';
import { recordingPublisher, startDeploymentsHarness, type DeploymentsHarness } from './harness';

describe('serving figures API (Cloud Monitoring twin through the unmodified MetricServiceClient, fed by the Vertex twin\'s predictions)', () => {
  let h: DeploymentsHarness;
  let family = 0;

  before(async () => {
    h = await startDeploymentsHarness({ overrides: { wrapPublisher: () => recordingPublisher() } });
  });
  after(async () => h?.stop());
  beforeEach(async () => h.reset());

  const post = (path: string, body: object) => request(h.server).post(path).set('Authorization', `Bearer ${h.tokens.deployer}`).send(body);
  const get = (path: string) => request(h.server).get(path).set('Authorization', `Bearer ${h.tokens.viewer}`);

  it('reports each deployed version\'s own predictions, errors and latency percentiles', async () => {
    const familyId = `monitored-${++family}`;
    const champion = await h.seedMirrored({ familyId, version: 1 });
    const challenger = await h.seedMirrored({ familyId, version: 2 });
    await post(`/api/models/${champion.id}/deploy`, {}).expect(200);
    const canary = await post(`/api/models/${challenger.id}/deploy`, { trafficPercent: 50 }).expect(200);
    h.vertex.predictions.fail(canary.body.deployment.deployedModelId, { code: 13, message: 'challenger broken', delayMs: 30 });

    for (let i = 0; i < 10; i++) await post(`/api/models/${champion.id}/predict`, { instances: [{ i }] });

    const ofChampion = await get(`/api/models/${champion.id}/monitoring?window=hour`).expect(200);
    const ofChallenger = await get(`/api/models/${challenger.id}/monitoring`).expect(200);
    assert.deepEqual([ofChampion.body.predictions, ofChampion.body.errors], [5, 0]);
    assert.deepEqual([ofChallenger.body.predictions, ofChallenger.body.errors], [5, 5]);
    assert.equal(ofChallenger.body.window, 'hour');
    assert.equal(ofChallenger.body.bucketMinutes, 5);
    assert.ok(ofChallenger.body.p95LatencyMs >= 30, `the challenger's delay shows in its p95 (${ofChallenger.body.p95LatencyMs})`);
    assert.ok(ofChampion.body.p95LatencyMs < 30, `the champion is not slowed (${ofChampion.body.p95LatencyMs})`);
    assert.equal(ofChampion.body.buckets.reduce((n: number, b: { predictions: number }) => n + b.predictions, 0), 5);
  });

  it('answers 409 NOT_DEPLOYED for a version that is not deployed and 400 for an unknown window', async () => {
    const v = await h.seedMirrored({ familyId: `monitored-${++family}`, version: 1 });
    assert.equal((await get(`/api/models/${v.id}/monitoring`).expect(409)).body.error.code, 'NOT_DEPLOYED');
    const bad = await get(`/api/models/${v.id}/monitoring?window=week`).expect(400);
    assert.deepEqual(bad.body.error.fields.map((f: { path: string }) => f.path), ['query.window']);
  });
});
