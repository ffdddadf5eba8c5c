import assert from 'node:assert/strict';
import { v1 } from '@google-cloud/aiplatform';
import { CloudSchedulerClient } from '@google-cloud/scheduler';
import { gcloudEnvironment } from '../../../dev/lib/gcloud-env';
import { schedulerClientOptions, startSchedulerTwin, type SchedulerTwin } from '../../../dev/twins/scheduler';
import { startVertexTwin, vertexClientOptions, type VertexTwin } from '../../../dev/twins/vertex';
import { gcloudCliWith, type GcloudCli, type GcloudResult } from '../../support/gcloud-cli';

const PROJECT = 'demo-registry';
const REGION = 'us-central1';
const PARENT = `projects/${PROJECT}/locations/${REGION}`;

function json<T>(result: GcloudResult): T {
  assert.equal(result.code, 0, `gcloud failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.out) as T;
}

interface GcloudModel { name: string; displayName: string; versionId: string; versionAliases: string[]; labels?: Record<string, string>; artifactUri: string }
interface GcloudEndpoint { name: string; displayName: string; deployedModels?: Array<{ id: string; model: string; modelVersionId: string }>; trafficSplit?: Record<string, number> }
interface GcloudJob { name: string; state: string; schedule: string; timeZone: string; httpTarget: { uri: string } }

// The real Cloud SDK against both twins' REST ports, state set up over gRPC: the CLI and the Node clients see
// the same resources. gcloud takes about a second per call here: a bounded number of calls, generous timeouts.
describe('Vertex AI and Cloud Scheduler twins driven by the real gcloud CLI (REST)', function () {
  this.timeout(120_000);
  let vertex: VertexTwin;
  let scheduler: SchedulerTwin;
  let gcloud: GcloudCli;

  before(async () => {
    vertex = await startVertexTwin({ project: PROJECT });
    scheduler = await startSchedulerTwin({ autoFire: false });
    gcloud = await gcloudCliWith(gcloudEnvironment({ projectId: PROJECT, vertexRestUrl: vertex.restUrl, schedulerRestUrl: scheduler.restUrl }));

    const models = new v1.ModelServiceClient(vertexClientOptions(vertex.port));
    const endpoints = new v1.EndpointServiceClient(vertexClientOptions(vertex.port));
    const jobs = new CloudSchedulerClient(schedulerClientOptions(scheduler.port));
    try {
      for (const [id, family] of [['recs', 'recs'], ['ranker', 'ranking']] as const) {
        const [op] = await models.uploadModel({ parent: PARENT, modelId: id, model: { displayName: `${id}-v1`, artifactUri: `gs://registry-pushes/${id}/1`, labels: { family } } });
        await op.promise();
      }
      const [create] = await endpoints.createEndpoint({ parent: PARENT, endpointId: 'serving', endpoint: { displayName: 'serving' } });
      await create.promise();
      const [deploy] = await endpoints.deployModel({
        endpoint: `${PARENT}/endpoints/serving`,
        deployedModel: { model: `${PARENT}/models/recs`, dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1 } },
      });
      await deploy.promise();
      await jobs.createJob({
        parent: PARENT,
        job: { name: `${PARENT}/jobs/nightly`, schedule: '0 3 * * *', timeZone: 'Europe/Warsaw', httpTarget: { uri: 'http://127.0.0.1:9/trigger' } },
      });
    } finally {
      await Promise.all([models.close(), endpoints.close(), jobs.close()]);
    }
  });

  after(async () => {
    await gcloud?.dispose();
    await vertex?.stop();
    await scheduler?.stop();
  });

  it('gcloud ai models list and describe', async () => {
    const listed = json<GcloudModel[]>(await gcloud.run(['ai', 'models', 'list', `--region=${REGION}`, '--format=json']));
    assert.deepEqual(listed.map((m) => [m.name, m.displayName, m.labels?.family]).sort(), [
      [`${PARENT}/models/ranker`, 'ranker-v1', 'ranking'],
      [`${PARENT}/models/recs`, 'recs-v1', 'recs'],
    ]);
    const described = json<GcloudModel>(await gcloud.run(['ai', 'models', 'describe', 'recs', `--region=${REGION}`, '--format=json']));
    assert.equal(described.artifactUri, 'gs://registry-pushes/recs/1');
    assert.deepEqual(described.versionAliases, ['default']);
  });

  it('gcloud ai endpoints list and describe (with the deployed model and its traffic)', async () => {
    const listed = json<GcloudEndpoint[]>(await gcloud.run(['ai', 'endpoints', 'list', `--region=${REGION}`, '--format=json']));
    assert.deepEqual(listed.map((e) => e.name), [`${PARENT}/endpoints/serving`]);
    const described = json<GcloudEndpoint>(await gcloud.run(['ai', 'endpoints', 'describe', 'serving', `--region=${REGION}`, '--format=json']));
    const [deployed] = described.deployedModels ?? [];
    assert.equal(deployed?.model, `${PARENT}/models/recs`);
    assert.equal(deployed?.modelVersionId, '1');
    assert.deepEqual(described.trafficSplit, { [deployed!.id]: 100 });
  });

  it('gcloud ai models describe of a missing model exits 1 with Google\'s NOT_FOUND', async () => {
    const result = await gcloud.run(['ai', 'models', 'describe', 'nope', `--region=${REGION}`, '--format=json']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /NOT_FOUND: The Model does not exist\./);
  });

  it('gcloud scheduler jobs list, describe, pause and resume', async () => {
    const location = `--location=${REGION}`;
    const listed = json<GcloudJob[]>(await gcloud.run(['scheduler', 'jobs', 'list', location, '--format=json']));
    assert.deepEqual(listed.map((j) => [j.name, j.state, j.schedule]), [[`${PARENT}/jobs/nightly`, 'ENABLED', '0 3 * * *']]);

    const paused = await gcloud.run(['scheduler', 'jobs', 'pause', 'nightly', location]);
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal(scheduler.jobs()[0]?.state, 'PAUSED', 'the pause reached the twin\'s state');
    const described = json<GcloudJob>(await gcloud.run(['scheduler', 'jobs', 'describe', 'nightly', location, '--format=json']));
    assert.equal(described.state, 'PAUSED');
    assert.equal(described.timeZone, 'Europe/Warsaw');

    const resumed = await gcloud.run(['scheduler', 'jobs', 'resume', 'nightly', location]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(scheduler.jobs()[0]?.state, 'ENABLED');
  });

  it('gcloud scheduler jobs describe of a missing job exits 1 with Google\'s NOT_FOUND', async () => {
    const result = await gcloud.run(['scheduler', 'jobs', 'describe', 'nope', `--location=${REGION}`, '--format=json']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /NOT_FOUND: Job not found\./);
  });
});
