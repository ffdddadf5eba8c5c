import assert from 'node:assert/strict';
import request from 'supertest';
import { toyPrediction } from '../../../dev/twins/vertex/predictions';
import { recordingPublisher, startDeploymentsHarness, type DeploymentsHarness } from './harness';

describe('predict API (Vertex twin PredictionService through the unmodified PredictionServiceClient, Firestore emulator)', () => {
  let h: DeploymentsHarness;
  let family = 0;
  const nextFamily = () => `predict-${++family}`;

  before(async () => {
    h = await startDeploymentsHarness({ overrides: { wrapPublisher: () => recordingPublisher() } });
  });
  after(async () => h?.stop());
  beforeEach(async () => h.reset());

  const post = (path: string, body: object, token = h.tokens.deployer) =>
    request(h.server).post(path).set('Authorization', `Bearer ${token}`).send(body);
  // The twin keeps its records across tests: count what a test added.
  let recordedBefore = 0;
  beforeEach(() => { recordedBefore = h.vertex.predictions.records().length; });
  const recordedSince = () => h.vertex.predictions.records().length - recordedBefore;
  const recordsOf = (deployedModelId: string) => h.vertex.predictions.records().filter((r) => r.deployedModelId === deployedModelId);

  async function deployed(familyId: string, version: number, trafficPercent = 100) {
    const v = await h.seedMirrored({ familyId, version });
    const res = await post(`/api/models/${v.id}/deploy`, { trafficPercent }).expect(200);
    return { version: v, deployedModelId: res.body.deployment.deployedModelId as string, endpoint: res.body.deployment.endpoint as string };
  }

  it('answers the deployed version\'s predictions, who answered and the latency', async () => {
    const { version, deployedModelId, endpoint } = await deployed(nextFamily(), 1);
    const instances = [{ user: 'u-1', items: [3, 5] }, { user: 'u-2', items: [] }];

    const res = await post(`/api/models/${version.id}/predict`, { instances }).expect(200);

    const model = `${version.vertex.modelResourceName}@${version.vertex.versionId}`;
    assert.deepEqual(res.body.predictions, instances.map((i) => toyPrediction(model, i)));
    assert.deepEqual(res.body.answeredBy, {
      endpoint, deployedModelId, model: version.vertex.modelResourceName, modelVersionId: version.vertex.versionId, versionId: version.id,
    });
    assert.equal(typeof res.body.latencyMs, 'number');
    assert.ok(res.body.latencyMs > 0);
    assert.equal(recordsOf(deployedModelId).length, 1);
  });

  it('follows the endpoint\'s traffic split during a canary and names the version that answered', async () => {
    const familyId = nextFamily();
    const champion = await deployed(familyId, 1);
    const challenger = await deployed(familyId, 2, 20);

    const answered: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await post(`/api/models/${champion.version.id}/predict`, { instances: [{ i }] }).expect(200);
      answered.push(res.body.answeredBy.versionId);
    }
    assert.equal(answered.filter((v) => v === challenger.version.id).length, 2);
    assert.equal(answered.filter((v) => v === champion.version.id).length, 8);
  });

  it('answers 409 NOT_DEPLOYED for a version that is not deployed, without calling Vertex AI', async () => {
    const v = await h.seedMirrored({ familyId: nextFamily(), version: 1 });
    const res = await post(`/api/models/${v.id}/predict`, { instances: [{ x: 1 }] }).expect(409);
    assert.equal(res.body.error.code, 'NOT_DEPLOYED');
    assert.equal(recordedSince(), 0);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for instances over Vertex AI\'s 1.5 MB, before any call', async () => {
    const { version } = await deployed(nextFamily(), 1);
    const big = 'x'.repeat(800 * 1024);
    const res = await post(`/api/models/${version.id}/predict`, { instances: [{ text: big }, { text: big }] }).expect(413);
    assert.equal(res.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(res.body.error.limit, 1.5 * 1024 * 1024);
    assert.equal(recordedSince(), 0);
  });

  it('answers 403 to a viewer and 400 with the field path for no instances', async () => {
    const { version } = await deployed(nextFamily(), 1);
    const forbidden = await post(`/api/models/${version.id}/predict`, { instances: [{ x: 1 }] }, h.tokens.viewer).expect(403);
    assert.equal(forbidden.body.error.code, 'FORBIDDEN');
    const empty = await post(`/api/models/${version.id}/predict`, { instances: [] }).expect(400);
    assert.deepEqual(empty.body.error.fields.map((f: { path: string }) => f.path), ['body.instances']);
    assert.equal(recordedSince(), 0);
  });

  it('maps a failing model server to 502 PREDICTION_FAILED and the twin records the error', async () => {
    const { version, deployedModelId } = await deployed(nextFamily(), 1);
    h.vertex.predictions.fail(deployedModelId, { message: 'model server crashed' });
    const res = await post(`/api/models/${version.id}/predict`, { instances: [{ x: 1 }] }).expect(502);
    assert.equal(res.body.error.code, 'PREDICTION_FAILED');
    assert.match(res.body.error.message, /model server crashed/);
    assert.deepEqual(recordsOf(deployedModelId).map((r) => r.code), [13]);
  });

  it('answers NOT_DEPLOYED right after an undeploy, though it reused the version\'s serving target a moment before', async () => {
    const { version, deployedModelId } = await deployed(nextFamily(), 1);
    await post(`/api/models/${version.id}/predict`, { instances: [{ x: 1 }] }).expect(200);
    await post(`/api/models/${version.id}/undeploy`, {}).expect(200);
    const res = await post(`/api/models/${version.id}/predict`, { instances: [{ x: 2 }] }).expect(409);
    assert.equal(res.body.error.code, 'NOT_DEPLOYED');
    assert.equal(recordsOf(deployedModelId).length, 1, 'the undeployed model answered only the first request');
  });

  it('asks a failing model once per request, also with its serving target reused', async () => {
    const { version, deployedModelId } = await deployed(nextFamily(), 1);
    await post(`/api/models/${version.id}/predict`, { instances: [{ x: 1 }] }).expect(200);
    h.vertex.predictions.fail(deployedModelId, { message: 'oom' });
    await post(`/api/models/${version.id}/predict`, { instances: [{ x: 2 }] }).expect(502);
    assert.deepEqual(recordsOf(deployedModelId).map((r) => r.code ?? 0), [0, 13]);
  });
});
