import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v1, type protos } from '@google-cloud/aiplatform';
import { grpc } from 'google-gax';
import { startVertexTwin, vertexClientOptions, type PipelineRunner, type VertexTwin } from '../../../dev/twins/vertex';
import { loadVertexProtos } from '../../../dev/twins/vertex/protos';

const PROJECT = 'demo-registry';
const PARENT = `projects/${PROJECT}/locations/us-central1`;
const { status } = grpc;

type IModel = protos.google.cloud.aiplatform.v1.IModel;
type IPipelineJob = protos.google.cloud.aiplatform.v1.IPipelineJob;

/** Resolves with the error a call rejects with, failing if it does not reject. */
async function failure(call: Promise<unknown>): Promise<{ code: number; details: string; statusDetails?: unknown[] }> {
  try {
    await call;
  } catch (error) {
    return error as { code: number; details: string; statusDetails?: unknown[] };
  }
  throw new assert.AssertionError({ message: 'expected the call to fail' });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The client types operation requests as protobufjs classes; plain objects are what it actually sends. */
const byName = <T,>(name: string | null | undefined): T => ({ name }) as unknown as T;

const tfModel = (overrides: IModel = {}): IModel => ({
  displayName: 'recs-prod-v1',
  artifactUri: 'gs://models/recs-prod/1',
  labels: { family: 'recs-prod', run_id: 'run-17' },
  containerSpec: { imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-15:latest' },
  ...overrides,
});

describe('Vertex AI twin (unmodified @google-cloud/aiplatform v1 clients over gRPC)', () => {
  let twin: VertexTwin;
  let models: v1.ModelServiceClient;
  let endpoints: v1.EndpointServiceClient;
  let pipelines: v1.PipelineServiceClient;

  before(async () => {
    twin = await startVertexTwin({ project: PROJECT, location: 'us-central1', operationDelayMs: 200, pipelineStepMs: 30 });
    models = new v1.ModelServiceClient(vertexClientOptions(twin.port));
    endpoints = new v1.EndpointServiceClient(vertexClientOptions(twin.port));
    pipelines = new v1.PipelineServiceClient(vertexClientOptions(twin.port));
  });

  after(async () => {
    await Promise.all([models?.close(), endpoints?.close(), pipelines?.close()]);
    await twin?.stop();
  });

  afterEach(() => twin.faults.clear());

  const upload = async (model: IModel, extra: { parentModel?: string } = {}) => {
    const [operation] = await models.uploadModel({ parent: PARENT, model, ...extra });
    const [response] = await operation.promise();
    return response;
  };

  describe('ModelService', () => {
    it('answers UploadModel with an operation that is not done yet and that polling completes', async () => {
      const [operation] = await models.uploadModel({ parent: PARENT, model: tfModel() });
      assert.equal(operation.done, false);
      assert.match(operation.name!, /^projects\/demo-registry\/locations\/us-central1\/models\/\d+\/operations\/\d+$/);
      const modelName = operation.name!.replace(/\/operations\/\d+$/, '');
      assert.equal((await failure(models.getModel({ name: modelName }))).code, status.NOT_FOUND);

      const [response, metadata] = await operation.promise();
      assert.equal(response.model, modelName);
      assert.equal(response.modelVersionId, '1');
      assert.ok(metadata.genericMetadata?.createTime, 'metadata is decoded from its Any');

      const [model] = await models.getModel({ name: modelName });
      assert.equal(model.displayName, 'recs-prod-v1');
      assert.equal(model.artifactUri, 'gs://models/recs-prod/1');
      assert.deepEqual(model.labels, { family: 'recs-prod', run_id: 'run-17' });
      assert.equal(model.containerSpec?.imageUri, 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-15:latest');
      assert.deepEqual(model.versionAliases, ['default']);
      assert.ok(Number(model.createTime?.seconds) > 0 && Number(model.updateTime?.seconds) > 0);
    });

    it('lets checkUploadModelProgress read a finished upload back by operation name', async () => {
      const [operation] = await models.uploadModel({ parent: PARENT, model: tfModel({ displayName: 'progress' }) });
      await operation.promise();
      const checked = await models.checkUploadModelProgress(operation.name!);
      assert.equal(checked.done, true);
      assert.equal((checked.result as protos.google.cloud.aiplatform.v1.IUploadModelResponse).modelVersionId, '1');
    });

    it('adds version 2 to the same model when uploading with parentModel', async () => {
      const first = await upload(tfModel({ displayName: 'ranking' }));
      const second = await upload(tfModel({ displayName: 'ranking', artifactUri: 'gs://models/ranking/2' }), { parentModel: first.model! });
      assert.equal(second.model, first.model);
      assert.equal(second.modelVersionId, '2');

      const [versions] = await models.listModelVersions({ name: first.model! });
      assert.deepEqual(versions.map((v) => [v.versionId, v.artifactUri, v.versionAliases]), [
        ['1', 'gs://models/recs-prod/1', ['default']],
        ['2', 'gs://models/ranking/2', []],
      ]);
      const [listed] = await models.listModels({ parent: PARENT, filter: 'display_name="ranking"' });
      assert.deepEqual(listed.map((m) => [m.name, m.versionId]), [[first.model, '1']], 'a model is listed once, by its default version');
    });

    it('reads a version by @id and by alias, keeps aliases unique per model and removes them with -alias', async () => {
      const first = await upload(tfModel({ displayName: 'aliases' }));
      await upload(tfModel({ displayName: 'aliases' }), { parentModel: first.model! });
      const name = first.model!;

      const [byId] = await models.getModel({ name: `${name}@2` });
      assert.equal(byId.versionId, '2');

      const [merged] = await models.mergeVersionAliases({ name: `${name}@1`, versionAliases: ['champion'] });
      assert.deepEqual(merged.versionAliases, ['default', 'champion']);
      await models.mergeVersionAliases({ name: `${name}@2`, versionAliases: ['champion', 'default'] });
      const [champion] = await models.getModel({ name: `${name}@champion` });
      assert.equal(champion.versionId, '2');
      const [unaliased] = await models.getModel({ name: `${name}@1` });
      assert.deepEqual(unaliased.versionAliases, [], 'the aliases moved to version 2');
      assert.equal((await models.getModel({ name }))[0].versionId, '2', 'the default version follows the default alias');

      await models.mergeVersionAliases({ name: `${name}@2`, versionAliases: ['-champion'] });
      assert.equal((await failure(models.getModel({ name: `${name}@champion` }))).code, status.NOT_FOUND);
      assert.equal((await failure(models.mergeVersionAliases({ name: `${name}@2`, versionAliases: ['-default'] }))).code, status.INVALID_ARGUMENT);
    });

    it('refuses an invalid label with INVALID_ARGUMENT and a BadRequest naming model.labels', async () => {
      const error = await failure(models.uploadModel({ parent: PARENT, model: tfModel({ labels: { Family: 'recs' } }) }));
      assert.equal(error.code, status.INVALID_ARGUMENT);
      assert.match(error.details, /1\.Field: model\.labels; Message: .*lowercase letters, numbers, dashes and underscores/);
      const [badRequest] = (error.statusDetails ?? []) as Array<{ fieldViolations?: Array<{ field: string }> }>;
      assert.equal(badRequest?.fieldViolations?.[0]?.field, 'model.labels');

      const invalid: Array<Record<string, string>> = [{ '1st': 'x' }, { family: 'Recs' }, { family: 'a'.repeat(64) }, { 'family.name': 'x' }];
      for (const labels of invalid) {
        assert.equal((await failure(models.uploadModel({ parent: PARENT, model: tfModel({ labels }) }))).code, status.INVALID_ARGUMENT, JSON.stringify(labels));
      }
    });

    it('refuses an upload without displayName or artifactUri, and an unknown parentModel', async () => {
      const error = await failure(models.uploadModel({ parent: PARENT, model: { labels: {} } }));
      assert.equal(error.code, status.INVALID_ARGUMENT);
      assert.match(error.details, /model\.display_name.*model\.artifact_uri/);

      const unknown = await failure(models.uploadModel({ parent: PARENT, parentModel: `${PARENT}/models/404`, model: tfModel() }));
      assert.equal(unknown.code, status.NOT_FOUND);
    });

    it('refuses another project with PERMISSION_DENIED when the twin has a project', async () => {
      const error = await failure(models.listModels({ parent: 'projects/someone-else/locations/us-central1' }));
      assert.equal(error.code, status.PERMISSION_DENIED);
    });

    it('deletes a non-default version, then the model, through operations', async () => {
      const first = await upload(tfModel({ displayName: 'to-delete' }));
      await upload(tfModel({ displayName: 'to-delete' }), { parentModel: first.model! });
      assert.equal((await failure(models.deleteModelVersion({ name: `${first.model}@1` }))).code, status.FAILED_PRECONDITION, 'the default version stays');

      const [deleteVersion] = await models.deleteModelVersion({ name: `${first.model}@2` });
      await deleteVersion.promise();
      assert.deepEqual((await models.listModelVersions({ name: first.model! }))[0].map((v) => v.versionId), ['1']);

      const [deleteModel] = await models.deleteModel({ name: first.model! });
      await deleteModel.promise();
      assert.equal((await failure(models.getModel({ name: first.model! }))).code, status.NOT_FOUND);
      assert.ok(!twin.models().some((m) => m.name === first.model));
    });
  });

  describe('google.longrunning.Operations', () => {
    it('lists operations under a resource and cancels one before its change is applied', async () => {
      const [operation] = await models.uploadModel({ parent: PARENT, model: tfModel({ displayName: 'cancelled' }) });
      const modelName = operation.name!.replace(/\/operations\/\d+$/, '');
      const listed = [];
      // autoPaginate: false only silences gax's warning: async iteration pages on demand anyway.
      for await (const op of models.listOperationsAsync(byName(modelName), { autoPaginate: false })) listed.push(op.name);
      assert.deepEqual(listed, [operation.name]);

      await models.cancelOperation(byName(operation.name));
      const error = await failure(operation.promise());
      assert.equal(error.code, status.CANCELLED);
      await new Promise((resolve) => setTimeout(resolve, 250));
      assert.equal((await failure(models.getModel({ name: modelName }))).code, status.NOT_FOUND, 'the upload never happened');

      await models.deleteOperation(byName(operation.name));
      assert.equal((await failure(models.getOperation(byName(operation.name)))).code, status.NOT_FOUND);
    });

    it('answers WaitOperation once the operation is done', async () => {
      const [operation] = await models.uploadModel({ parent: PARENT, model: tfModel({ displayName: 'waited' }) });
      const Operations = grpc.makeClientConstructor(loadVertexProtos().definition['google.longrunning.Operations'] as grpc.ServiceDefinition, 'Operations');
      const raw = new Operations(twin.address, grpc.credentials.createInsecure()) as unknown as {
        WaitOperation(req: object, cb: (err: Error | null, op: { done: boolean; response: { type_url: string } }) => void): void;
        close(): void;
      };
      try {
        const done = await new Promise<{ done: boolean; response: { type_url: string } }>((resolve, reject) =>
          raw.WaitOperation({ name: operation.name, timeout: { seconds: 5 } }, (err, op) => (err ? reject(err) : resolve(op))));
        assert.equal(done.done, true);
        assert.equal(done.response.type_url, 'type.googleapis.com/google.cloud.aiplatform.v1.UploadModelResponse');
      } finally {
        raw.close();
      }
    });
  });

  describe('EndpointService', () => {
    it('deploys with dedicated resources and a traffic split, shows the deployment, and undeploys it', async () => {
      const model = await upload(tfModel({ displayName: 'serving' }));
      const [create] = await endpoints.createEndpoint({ parent: PARENT, endpoint: { displayName: 'serving-endpoint', labels: { team: 'recs' } } });
      const [endpoint] = await create.promise();
      assert.match(endpoint.name!, /^projects\/demo-registry\/locations\/us-central1\/endpoints\/\d+$/);

      const [deploy] = await endpoints.deployModel({
        endpoint: endpoint.name,
        deployedModel: {
          model: model.model,
          displayName: 'serving-v1',
          dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1, maxReplicaCount: 3 },
        },
        trafficSplit: { '0': 100 },
      });
      const [{ deployedModel }] = await deploy.promise();
      assert.match(deployedModel!.id!, /^\d+$/);
      assert.equal(deployedModel!.modelVersionId, '1');

      const [shown] = await endpoints.getEndpoint({ name: endpoint.name });
      assert.equal(shown.deployedModels?.length, 1);
      const [deployed] = shown.deployedModels!;
      assert.equal(deployed?.model, model.model);
      assert.equal(deployed?.dedicatedResources?.machineSpec?.machineType, 'n1-standard-4');
      assert.deepEqual([deployed?.dedicatedResources?.minReplicaCount, deployed?.dedicatedResources?.maxReplicaCount], [1, 3]);
      assert.deepEqual(shown.trafficSplit, { [deployedModel!.id!]: 100 });
      const refs = (await models.getModel({ name: model.model! }))[0].deployedModels?.map((ref) => [ref.endpoint, ref.deployedModelId]);
      assert.deepEqual(refs, [[endpoint.name, deployedModel!.id]], 'the model version knows where it is deployed');

      const [undeploy] = await endpoints.undeployModel({ endpoint: endpoint.name, deployedModelId: deployedModel!.id });
      await undeploy.promise();
      const [emptied] = await endpoints.getEndpoint({ name: endpoint.name });
      assert.deepEqual(emptied.deployedModels, []);
      assert.deepEqual(emptied.trafficSplit, {});
      assert.deepEqual((await models.getModel({ name: model.model! }))[0].deployedModels, []);
    });

    it('keeps the traffic split adding up to 100 across two deployments', async () => {
      const model = await upload(tfModel({ displayName: 'canary' }));
      const [endpoint] = await (await endpoints.createEndpoint({ parent: PARENT, endpoint: { displayName: 'canary' } }))[0].promise();
      const resources = { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1 };
      const deploy = async (trafficSplit: Record<string, number>) =>
        (await (await endpoints.deployModel({ endpoint: endpoint.name, deployedModel: { model: model.model, dedicatedResources: resources }, trafficSplit }))[0].promise())[0].deployedModel!.id!;

      const stable = await deploy({});
      const canary = await deploy({ '0': 10, [stable]: 90 });
      const [both] = await endpoints.getEndpoint({ name: endpoint.name });
      assert.deepEqual(both.trafficSplit, { [stable]: 90, [canary]: 10 });
      assert.equal(both.deployedModels?.[0]?.dedicatedResources?.maxReplicaCount, 1, 'an unset max replica count is the min');

      const bad = await failure(endpoints.deployModel({ endpoint: endpoint.name, deployedModel: { model: model.model, dedicatedResources: resources }, trafficSplit: { '0': 50 } }));
      assert.equal(bad.code, status.INVALID_ARGUMENT);
      assert.equal((await failure(endpoints.undeployModel({ endpoint: endpoint.name, deployedModelId: stable }))).code, status.FAILED_PRECONDITION,
        'a model that still takes traffic needs a new split to go');
      assert.equal((await failure(endpoints.undeployModel({ endpoint: endpoint.name, deployedModelId: '999' }))).code, status.NOT_FOUND);

      await (await endpoints.undeployModel({ endpoint: endpoint.name, deployedModelId: stable, trafficSplit: { [canary]: 100 } }))[0].promise();
      const [after] = await endpoints.getEndpoint({ name: endpoint.name });
      assert.deepEqual(after.trafficSplit, { [canary]: 100 });
      assert.deepEqual(after.deployedModels?.map((d) => d.id), [canary]);
    });
  });

  describe('PipelineService', () => {
    const createJob = async (displayName: string) =>
      (await pipelines.createPipelineJob({
        parent: PARENT,
        pipelineJob: {
          displayName,
          templateUri: 'gs://pipelines/train.json',
          labels: { schedule: 'nightly' },
          runtimeConfig: { gcsOutputDirectory: 'gs://runs', parameterValues: { epochs: { numberValue: 3 } } },
        },
      }))[0];
    const poll = (name: string) => until(async () => (await pipelines.getPipelineJob({ name }))[0], (job) => /SUCCEEDED|FAILED|CANCELLED/.test(String(job.state)));

    it('creates a job PENDING that runs to SUCCEEDED', async () => {
      const job = await createJob('train-nightly');
      assert.equal(job.state, 'PIPELINE_STATE_PENDING');
      assert.match(job.name!, /^projects\/demo-registry\/locations\/us-central1\/pipelineJobs\/\d+$/);
      const finished = await poll(job.name!);
      assert.equal(finished.state, 'PIPELINE_STATE_SUCCEEDED');
      assert.ok(finished.startTime && finished.endTime);
      assert.equal(finished.runtimeConfig?.parameterValues?.epochs?.numberValue, 3);
      const [listed] = await pipelines.listPipelineJobs({ parent: PARENT, filter: 'display_name="train-nightly"' });
      assert.deepEqual(listed.map((j) => j.name), [job.name]);
    });

    it('fails the next job with the message given to failNext', async () => {
      twin.pipelines.failNext('The DAG failed because some tasks failed: train');
      const failed = await poll((await createJob('train-failing')).name!);
      assert.equal(failed.state, 'PIPELINE_STATE_FAILED');
      assert.equal(failed.error?.message, 'The DAG failed because some tasks failed: train');
      assert.equal((await poll((await createJob('train-after')).name!)).state, 'PIPELINE_STATE_SUCCEEDED', 'only the next job fails');
    });
  });

  describe('faults', () => {
    it('answers UNAVAILABLE to the next N calls, which the client does not retry for ModelService methods', async () => {
      const model = await upload(tfModel({ displayName: 'flaky' }));
      twin.faults.set({ unavailable: 2 });
      assert.equal((await failure(models.getModel({ name: model.model! }))).code, status.UNAVAILABLE);
      assert.equal((await failure(models.getModel({ name: model.model! }))).code, status.UNAVAILABLE);
      assert.equal((await models.getModel({ name: model.model! }))[0].displayName, 'flaky');
    });

    it('makes operation.promise() reject when a poll answers UNAVAILABLE, while the operation itself goes on', async () => {
      // gax polls GetOperation without its retry settings: one failed poll ends promise(). Callers must re-check.
      const [operation] = await models.uploadModel({ parent: PARENT, model: tfModel({ displayName: 'poll-fails' }) });
      twin.faults.set({ unavailable: 1 });
      assert.equal((await failure(operation.promise())).code, status.UNAVAILABLE);
      const checked = await until(() => models.checkUploadModelProgress(operation.name!), (op) => op.done === true);
      assert.equal((checked.result as protos.google.cloud.aiplatform.v1.IUploadModelResponse).modelVersionId, '1');
    });

    it('fails one method with the given code the given number of times', async () => {
      twin.faults.set({ failMethod: { method: 'UploadModel', code: status.RESOURCE_EXHAUSTED, message: 'Quota exceeded', times: 1 } });
      const error = await failure(models.uploadModel({ parent: PARENT, model: tfModel() }));
      assert.equal(error.code, status.RESOURCE_EXHAUSTED);
      assert.equal(error.details, 'Quota exceeded');
      assert.equal((await models.listModels({ parent: PARENT }))[0].length > 0, true, 'other methods are untouched');
      assert.equal((await upload(tfModel({ displayName: 'after-quota' }))).modelVersionId, '1');
    });
  });
});

describe('Vertex AI twin options', () => {
  it('runs pipeline jobs with a custom runner and cancels them through its signal', async () => {
    const seen: IPipelineJob[] = [];
    const runner: PipelineRunner = async (job, ctx) => {
      seen.push(job);
      ctx.setState('PIPELINE_STATE_RUNNING');
      await new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    };
    const twin = await startVertexTwin({ runner });
    const client = new v1.PipelineServiceClient(vertexClientOptions(twin.port));
    try {
      const [job] = await client.createPipelineJob({ parent: PARENT, pipelineJobId: 'train-2024', pipelineJob: { displayName: 'train', templateUri: 'gs://p/t.json' } });
      assert.equal(job.name, `${PARENT}/pipelineJobs/train-2024`);
      const running = await until(async () => (await client.getPipelineJob({ name: job.name }))[0], (j) => j.state === 'PIPELINE_STATE_RUNNING');
      assert.equal(running.state, 'PIPELINE_STATE_RUNNING');
      assert.equal(seen[0]?.displayName, 'train');

      await client.cancelPipelineJob({ name: job.name });
      const cancelled = await until(async () => (await client.getPipelineJob({ name: job.name }))[0], (j) => j.state === 'PIPELINE_STATE_CANCELLED');
      assert.equal(cancelled.state, 'PIPELINE_STATE_CANCELLED');
      assert.equal((await failure(client.cancelPipelineJob({ name: job.name }))).code, status.FAILED_PRECONDITION);
    } finally {
      await client.close();
      await twin.stop();
    }
  });

  it('keeps models across restarts in its state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vertex-twin-'));
    const stateFile = join(dir, 'vertex.json');
    try {
      const first = await startVertexTwin({ stateFile });
      const client = new v1.ModelServiceClient(vertexClientOptions(first.port));
      const [operation] = await client.uploadModel({ parent: PARENT, model: tfModel() });
      const [response] = await operation.promise();
      await client.close();
      await first.stop();

      const second = await startVertexTwin({ stateFile });
      const again = new v1.ModelServiceClient(vertexClientOptions(second.port));
      try {
        assert.equal((await again.getModel({ name: response.model! }))[0].displayName, 'recs-prod-v1');
        const [next] = await again.uploadModel({ parent: PARENT, model: tfModel() });
        assert.notEqual((await next.promise())[0].model, response.model, 'ids are not reused after a restart');
      } finally {
        await again.close();
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
