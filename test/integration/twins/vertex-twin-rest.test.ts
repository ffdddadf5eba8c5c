import assert from 'node:assert/strict';
import { v1 } from '@google-cloud/aiplatform';
import { startVertexTwin, vertexClientOptions, vertexRestClientOptions, type VertexTwin } from '../../../dev/twins/vertex';

const PROJECT = 'demo-registry';
const PARENT = `projects/${PROJECT}/locations/us-central1`;

interface GoogleErrorBody { error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> } }

/**
 * google-gax 5.0's REST transport lets the auth client's gaxios throw on a non-2xx answer: the caller gets a
 * GaxiosError whose `status` is the HTTP status and whose message is the body, Google's error envelope
 * (fixed upstream: googleapis/google-cloud-node#9346). This reads both.
 */
function restError(error: unknown): { httpStatus: number; body: GoogleErrorBody } {
  const { status, message } = error as { status?: number; message?: string };
  return { httpStatus: Number(status), body: JSON.parse(String(message)) as GoogleErrorBody };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('Vertex AI twin over REST (unmodified aiplatform clients with fallback: true, and the raw wire)', () => {
  let twin: VertexTwin;
  let models: v1.ModelServiceClient;
  let endpoints: v1.EndpointServiceClient;
  let grpcModels: v1.ModelServiceClient;

  before(async () => {
    // Operations stay pending a while, so the REST clients must poll GetOperation over HTTP.
    twin = await startVertexTwin({ project: PROJECT, operationDelayMs: 150 });
    models = new v1.ModelServiceClient(vertexRestClientOptions(twin.restPort));
    endpoints = new v1.EndpointServiceClient(vertexRestClientOptions(twin.restPort));
    grpcModels = new v1.ModelServiceClient(vertexClientOptions(twin.port));
  });

  after(async () => {
    await Promise.all([models.close(), endpoints.close(), grpcModels.close()]);
    await twin.stop();
  });

  const rest = (path: string, init?: RequestInit) => fetch(`${twin.restUrl}${path}`, init);

  describe('the REST client', () => {
    it('uploads a model and a second version (polling the operations over HTTP), then lists and gets them', async () => {
      const [upload] = await models.uploadModel({
        parent: PARENT, modelId: 'recs', model: { displayName: 'recs-v1', artifactUri: 'gs://pushes/recs/1', labels: { family: 'recs' } },
      });
      const [first] = await upload.promise();
      assert.equal(first.model, `${PARENT}/models/recs`);
      assert.equal(first.modelVersionId, '1');
      const [again] = await models.uploadModel({
        parent: PARENT, parentModel: `${PARENT}/models/recs`, model: { displayName: 'recs-v2', artifactUri: 'gs://pushes/recs/2', versionAliases: ['candidate'] },
      });
      assert.equal((await again.promise())[0].modelVersionId, '2');

      const [listed] = await models.listModels({ parent: PARENT, filter: 'labels.family=recs' }, { autoPaginate: false });
      assert.deepEqual(listed.map((m) => [m.name, m.displayName, m.versionId]), [[`${PARENT}/models/recs`, 'recs-v1', '1']]);
      const [candidate] = await models.getModel({ name: `${PARENT}/models/recs@candidate` });
      assert.equal(candidate.versionId, '2');
      assert.equal(candidate.artifactUri, 'gs://pushes/recs/2');
      // Timestamps cross the wire as RFC 3339 strings and come back as Timestamp messages.
      assert.ok(Number(candidate.versionCreateTime?.seconds) > Date.parse('2024-01-01') / 1000);
      const [versions] = await models.listModelVersions({ name: `${PARENT}/models/recs` }, { autoPaginate: false });
      assert.deepEqual(versions.map((v) => v.versionId), ['1', '2']);
    });

    it('shares its state with the gRPC transport, both ways', async () => {
      const [byGrpc] = await grpcModels.uploadModel({ parent: PARENT, modelId: 'ranker', model: { displayName: 'ranker-v1', artifactUri: 'gs://pushes/ranker/1' } });
      await byGrpc.promise();
      const [seenOverRest] = await models.getModel({ name: `${PARENT}/models/ranker` });
      assert.equal(seenOverRest.displayName, 'ranker-v1');
      const [seenOverGrpc] = await grpcModels.getModel({ name: `${PARENT}/models/recs@2` });
      assert.equal(seenOverGrpc.displayName, 'recs-v2');
    });

    it('creates endpoints, then lists and gets them', async () => {
      const [create] = await endpoints.createEndpoint({ parent: PARENT, endpointId: 'serving', endpoint: { displayName: 'serving', labels: { env: 'dev' } } });
      const [created] = await create.promise();
      assert.equal(created.name, `${PARENT}/endpoints/serving`);
      const [listed] = await endpoints.listEndpoints({ parent: PARENT }, { autoPaginate: false });
      assert.deepEqual(listed.map((e) => e.name), [`${PARENT}/endpoints/serving`]);
      const [fetched] = await endpoints.getEndpoint({ name: `${PARENT}/endpoints/serving` });
      assert.deepEqual(fetched.labels, { env: 'dev' });
    });

    it('gets Google\'s error envelope: NOT_FOUND, and INVALID_ARGUMENT with its BadRequest detail', async () => {
      const missing = restError(await rejection(models.getModel({ name: `${PARENT}/models/nope` })));
      assert.equal(missing.httpStatus, 404);
      assert.deepEqual(missing.body, { error: { code: 404, message: 'The Model does not exist.', status: 'NOT_FOUND' } });

      const invalid = restError(await rejection(models.uploadModel({ parent: PARENT, model: { displayName: 'no-artifact' } })));
      assert.equal(invalid.httpStatus, 400);
      assert.equal(invalid.body.error.status, 'INVALID_ARGUMENT');
      assert.deepEqual(invalid.body.error.details, [{
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field: 'model.artifact_uri', description: 'Required field is not set.' }],
      }]);
    });
  });

  describe('the raw wire', () => {
    it('answers proto3 JSON: lowerCamelCase names, RFC 3339 times, no default values', async () => {
      const res = await rest(`/v1/${PARENT}/models/recs`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const model = await res.json() as Record<string, unknown>;
      assert.equal(model.displayName, 'recs-v1');
      assert.match(String(model.createTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      assert.equal('description' in model, false, 'an empty string field is omitted');
      assert.equal('display_name' in model, false);
    });

    it('binds query parameters to request fields (pageSize, pageToken, orderBy) and skips system parameters', async () => {
      const page = await (await rest(`/v1/${PARENT}/models?pageSize=1&orderBy=display_name&alt=json&prettyPrint=false`)).json() as { models: Array<{ displayName: string }>; nextPageToken: string };
      assert.deepEqual(page.models.map((m) => m.displayName), ['ranker-v1']);
      assert.ok(page.nextPageToken);
      const next = await (await rest(`/v1/${PARENT}/models?pageSize=1&orderBy=display_name&pageToken=${encodeURIComponent(page.nextPageToken)}`)).json() as { models: Array<{ displayName: string }>; nextPageToken?: string };
      assert.deepEqual(next.models.map((m) => m.displayName), ['recs-v1']);
      assert.equal(next.nextPageToken, undefined, 'the last page has no token');
    });

    it('routes custom verbs (:listVersions, :mergeVersionAliases with body "*")', async () => {
      const versions = await (await rest(`/v1/${PARENT}/models/recs:listVersions`)).json() as { models: Array<{ versionId: string }> };
      assert.deepEqual(versions.models.map((m) => m.versionId), ['1', '2']);
      const merged = await rest(`/v1/${PARENT}/models/recs@2:mergeVersionAliases`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ versionAliases: ['golden'] }),
      });
      assert.equal(merged.status, 200);
      assert.deepEqual((await merged.json() as { versionAliases: string[] }).versionAliases, ['candidate', 'golden']);
    });

    it('answers an operation as JSON with @type in its metadata and response, at /v1 and at /ui', async () => {
      const started = await rest(`/v1/${PARENT}/models:upload`, {
        method: 'POST', body: JSON.stringify({ model: { displayName: 'raw', artifactUri: 'gs://pushes/raw/1' } }),
      });
      const operation = await started.json() as { name: string; done?: boolean; metadata: Record<string, unknown> };
      assert.match(operation.name, new RegExp(`^${PARENT}/models/\\d+/operations/\\d+$`));
      assert.equal(operation.done, undefined, 'not done yet: done=false is a default and omitted');
      assert.equal(operation.metadata['@type'], 'type.googleapis.com/google.cloud.aiplatform.v1.UploadModelOperationMetadata');
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const prefix of ['/v1', '/ui']) {
        const polled = await (await rest(`${prefix}/${operation.name}`)).json() as { done: boolean; response: Record<string, unknown> };
        assert.equal(polled.done, true);
        assert.equal(polled.response['@type'], 'type.googleapis.com/google.cloud.aiplatform.v1.UploadModelResponse');
        assert.equal(polled.response.modelVersionId, '1');
      }
    });

    it('refuses what Google refuses: an unknown field, a bad value, bad JSON, an unknown URL', async () => {
      const cases: Array<[string, RequestInit | undefined, number, string, RegExp]> = [
        [`/v1/${PARENT}/models:upload`, { method: 'POST', body: '{"model":{"displayName":"x","colour":"red"}}' }, 400, 'INVALID_ARGUMENT', /Unknown name "colour" at 'model': Cannot find field/],
        [`/v1/${PARENT}/models?pageSize=ten`, undefined, 400, 'INVALID_ARGUMENT', /Invalid value at 'pageSize' \(TYPE_INT32\), "ten"/],
        [`/v1/${PARENT}/models?colour=red`, undefined, 400, 'INVALID_ARGUMENT', /Unknown name "colour": Cannot bind query parameter/],
        [`/v1/${PARENT}/models:upload`, { method: 'POST', body: '{"model":' }, 400, 'INVALID_ARGUMENT', /^Invalid JSON payload received/],
        [`/v1/${PARENT}/gizmos`, undefined, 404, 'NOT_FOUND', /was not found on this server/],
        [`/v1/${PARENT}/models`, { method: 'PUT', body: '{}' }, 404, 'NOT_FOUND', /was not found on this server/],
      ];
      for (const [path, init, httpStatus, status, message] of cases) {
        const res = await rest(path, init);
        const body = await res.json() as GoogleErrorBody;
        assert.equal(res.status, httpStatus, path);
        assert.equal(body.error.code, httpStatus);
        assert.equal(body.error.status, status, path);
        assert.match(body.error.message, message);
      }
    });

    it('answers UNIMPLEMENTED (501) for an annotated method the twin does not serve', async () => {
      const res = await rest(`/v1/${PARENT}/models/recs:export`, { method: 'POST', body: '{}' });
      assert.equal(res.status, 501);
      assert.equal((await res.json() as GoogleErrorBody).error.status, 'UNIMPLEMENTED');
    });

    it('answers the fault switch as gRPC does: UNAVAILABLE is 503', async () => {
      twin.faults.set({ unavailable: 1 });
      const res = await rest(`/v1/${PARENT}/endpoints`);
      assert.equal(res.status, 503);
      assert.equal((await res.json() as GoogleErrorBody).error.status, 'UNAVAILABLE');
      assert.equal((await rest(`/v1/${PARENT}/endpoints`)).status, 200);
    });
  });
});
