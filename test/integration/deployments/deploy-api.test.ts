import assert from 'node:assert/strict';
import request from 'supertest';
import { startDeploymentsHarness, recordingPublisher, type DeploymentsHarness } from './harness';

describe('deploy and undeploy API (Vertex twin through the unmodified EndpointServiceClient, Firestore emulator)', () => {
  let h: DeploymentsHarness;
  const published = recordingPublisher();
  let family = 0;
  /** Each test has its own family, so that the twin's endpoints of earlier tests do not interfere. */
  const nextFamily = () => `recs-${++family}`;

  before(async () => {
    h = await startDeploymentsHarness({ operationDelayMs: 60, overrides: { wrapPublisher: () => published } });
  });
  after(async () => h?.stop());
  beforeEach(async () => {
    published.events.length = 0;
    await h.reset();
  });

  const post = (path: string, body: object = {}, token = h.tokens.deployer) =>
    request(h.server).post(path).set('Authorization', `Bearer ${token}`).send(body);
  const get = (path: string) => request(h.server).get(path).set('Authorization', `Bearer ${h.tokens.viewer}`);
  const endpointOf = (name: string) => h.vertex.endpoints().find((e) => e.name === name);
  const deployedIn = (familyId: string) => h.vertex.endpoints().flatMap((e) => (e.deployedModels ?? []).filter((d) => d.model!.endsWith(`/models/${familyId}`)));

  it('deploys a blessed version to its family endpoint, created on first use, and undeploys it, recording both', async () => {
    const familyId = nextFamily();
    const v1 = await h.seedMirrored({ familyId, version: 1 });

    const deployed = await post(`/api/models/${v1.id}/deploy`, { machineType: 'n1-standard-8', minReplicas: 1, maxReplicas: 3 }).expect(200);
    assert.equal(deployed.body.changed, true);
    assert.equal(deployed.body.version.badge, 'DEPLOYED');
    const deployment = deployed.body.deployment;
    assert.equal(deployment.endpoint, `${h.parent}/endpoints/${familyId}-endpoint`);
    assert.deepEqual(
      { machineType: deployment.machineType, min: deployment.minReplicas, max: deployment.maxReplicas, traffic: deployment.trafficPercent, by: deployment.deployedBy },
      { machineType: 'n1-standard-8', min: 1, max: 3, traffic: 100, by: 'deployer@example.com' },
    );

    const endpoint = endpointOf(deployment.endpoint)!;
    assert.equal(endpoint.displayName, `${familyId}-endpoint`);
    assert.deepEqual(endpoint.deployedModels!.map((d) => [d.id, d.modelVersionId, d.dedicatedResources?.machineSpec?.machineType]), [[deployment.deployedModelId, v1.vertex.versionId, 'n1-standard-8']]);
    assert.deepEqual(endpoint.trafficSplit, { [deployment.deployedModelId]: 100 });

    const detail = await get(`/api/models/${v1.id}`).expect(200);
    assert.equal(detail.body.status, 'deployed');
    assert.equal(detail.body.deployment.deployedModelId, deployment.deployedModelId);
    const listed = await get('/api/models?status=deployed').expect(200);
    assert.deepEqual(listed.body.items.map((i: { id: string }) => i.id), [v1.id]);

    const undeployed = await post(`/api/models/${v1.id}/undeploy`, { reason: 'rollback drill' }).expect(200);
    assert.equal(undeployed.body.changed, true);
    assert.equal(undeployed.body.version.badge, 'IDLE');
    assert.equal(undeployed.body.version.deployment, null);
    assert.deepEqual(endpointOf(deployment.endpoint)!.deployedModels, []);

    const history = await get(`/api/models/${v1.id}/deployments`).expect(200);
    assert.deepEqual(history.body.items.map((e: { action: string; actor: string; reason: string | null }) => [e.action, e.actor, e.reason]), [
      ['undeployed', 'deployer@example.com', 'rollback drill'],
      ['deployed', 'deployer@example.com', null],
    ]);
    assert.deepEqual(history.body.items[1].replicas, { min: 1, max: 3 });
    assert.deepEqual(published.events.map((e) => e.type), ['com.modelregistry.version.deployed', 'com.modelregistry.version.undeployed']);
  });

  it('answers 409 NOT_BLESSED for a not-blessed or pending version, and deploys it with force, recording force and reason', async () => {
    const familyId = nextFamily();
    const rejected = await h.seedMirrored({ familyId, version: 1, blessed: false });
    const pending = await h.seedMirrored({ familyId, version: 2, blessed: null });

    for (const v of [rejected, pending]) {
      const res = await post(`/api/models/${v.id}/deploy`).expect(409);
      assert.equal(res.body.error.code, 'NOT_BLESSED');
      assert.equal(res.body.error.blessed, v.blessed);
    }
    assert.deepEqual(deployedIn(familyId), []);

    const forced = await post(`/api/models/${rejected.id}/deploy`, { force: true, reason: 'hotfix: v2 pending too long' }).expect(200);
    assert.equal(forced.body.version.badge, 'DEPLOYED');
    const [entry] = (await get(`/api/models/${rejected.id}/deployments`).expect(200)).body.items;
    assert.deepEqual([entry.action, entry.force, entry.blessed, entry.reason], ['deployed', true, false, 'hotfix: v2 pending too long']);
    assert.equal(published.events[0]!.data.force, true);
  });

  it('treats deploying a deployed version and undeploying an idle one as no-ops: changed false, one deployment', async () => {
    const familyId = nextFamily();
    const v1 = await h.seedMirrored({ familyId, version: 1 });

    assert.equal((await post(`/api/models/${v1.id}/undeploy`).expect(200)).body.changed, false);
    await post(`/api/models/${v1.id}/deploy`).expect(200);
    const again = await post(`/api/models/${v1.id}/deploy`).expect(200);
    assert.equal(again.body.changed, false);
    assert.equal(again.body.version.badge, 'DEPLOYED');

    assert.equal(deployedIn(familyId).length, 1);
    assert.equal((await get(`/api/models/${v1.id}/deployments`).expect(200)).body.items.length, 1);
    assert.equal(published.events.length, 1);
  });

  it('lets only one of two concurrent deploys of a version call Vertex AI', async () => {
    const familyId = nextFamily();
    const v1 = await h.seedMirrored({ familyId, version: 1 });

    const answers = await Promise.all([post(`/api/models/${v1.id}/deploy`), post(`/api/models/${v1.id}/deploy`), post(`/api/models/${v1.id}/deploy`)]);
    const changed = answers.filter((r) => r.status === 200 && r.body.changed);
    assert.equal(changed.length, 1, JSON.stringify(answers.map((r) => [r.status, r.body.changed ?? r.body.error?.code])));
    for (const other of answers.filter((r) => !(r.status === 200 && r.body.changed))) {
      assert.ok(other.status === 409 && other.body.error.code === 'CONFLICT' && other.body.error.inProgress.action === 'deploy'
        || other.status === 200 && other.body.changed === false, `unexpected ${other.status} ${JSON.stringify(other.body)}`);
    }
    assert.equal(deployedIn(familyId).length, 1);
  });

  it('leaves the version as it was when Vertex AI refuses the deploy (502) or is unavailable (503), and records the attempt', async () => {
    const familyId = nextFamily();
    const v1 = await h.seedMirrored({ familyId, version: 1 });

    h.vertex.faults.set({ failMethod: { method: 'DeployModel', code: 3, message: 'Machine type "n1-huge" is not supported.' } });
    const refused = await post(`/api/models/${v1.id}/deploy`).expect(502);
    assert.equal(refused.body.error.code, 'UPSTREAM_FAILED');
    assert.match(refused.body.error.message, /Machine type/);

    h.vertex.faults.set({ failMethod: { method: 'DeployModel', code: 8, message: 'Quota exceeded for custom model serving.' } });
    assert.equal((await post(`/api/models/${v1.id}/deploy`).expect(503)).body.error.code, 'UPSTREAM_UNAVAILABLE');

    const detail = await get(`/api/models/${v1.id}`).expect(200);
    assert.deepEqual([detail.body.deployed, detail.body.deployment, detail.body.badge], [false, null, 'IDLE']);
    assert.deepEqual(deployedIn(familyId), []);
    const history = (await get(`/api/models/${v1.id}/deployments`).expect(200)).body.items;
    assert.deepEqual(history.map((e: { action: string; error: { code: string } }) => [e.action, e.error.code]), [
      ['deploy_failed', 'UPSTREAM_UNAVAILABLE'], ['deploy_failed', 'UPSTREAM_FAILED'],
    ]);
    assert.equal(published.events.length, 0);

    // The failed attempts released the version: the next deploy goes through.
    h.vertex.faults.clear();
    assert.equal((await post(`/api/models/${v1.id}/deploy`).expect(200)).body.changed, true);
  });

  it('reads an operation again when a poll answers UNAVAILABLE, and records the deploy once', async () => {
    const familyId = nextFamily();
    const v1 = await h.seedMirrored({ familyId, version: 1 });
    // The family's endpoint exists already, so that the only operation polled is the deploy's.
    const [create] = await h.endpointClient().createEndpoint({ parent: h.parent, endpointId: `${familyId}-endpoint`, endpoint: { displayName: `${familyId}-endpoint` } });
    const [{ name: endpoint }] = await create.promise();

    h.vertex.faults.set({ failMethod: { method: 'GetOperation', code: 14, message: 'The service is currently unavailable.', times: 1 } });
    const res = await post(`/api/models/${v1.id}/deploy`).expect(200);
    assert.equal(res.body.deployment.endpoint, endpoint);
    assert.equal(deployedIn(familyId).length, 1);
  });

  it('gives a canary its share beside the serving version, and at 100 % replaces the older versions of the family', async () => {
    const familyId = nextFamily();
    const [v1, v2, v3] = [await h.seedMirrored({ familyId, version: 1 }), await h.seedMirrored({ familyId, version: 2 }), await h.seedMirrored({ familyId, version: 3 })];

    const first = (await post(`/api/models/${v1.id}/deploy`).expect(200)).body.deployment;
    const canary = (await post(`/api/models/${v2.id}/deploy`, { trafficPercent: 10 }).expect(200)).body.deployment;
    assert.deepEqual(endpointOf(first.endpoint)!.trafficSplit, { [first.deployedModelId]: 90, [canary.deployedModelId]: 10 });
    assert.equal((await get(`/api/models/${v1.id}`).expect(200)).body.deployment.trafficPercent, 90);
    assert.equal(canary.trafficPercent, 10);

    const full = await post(`/api/models/${v3.id}/deploy`).expect(200);
    assert.deepEqual([...full.body.replaced].sort(), [v1.id, v2.id]);
    const endpoint = endpointOf(first.endpoint)!;
    assert.deepEqual(endpoint.deployedModels!.map((d) => d.id), [full.body.deployment.deployedModelId]);
    assert.deepEqual(endpoint.trafficSplit, { [full.body.deployment.deployedModelId]: 100 });
    const statuses = await Promise.all([v1, v2, v3].map(async (v) => (await get(`/api/models/${v.id}`).expect(200)).body.badge));
    assert.deepEqual(statuses, ['IDLE', 'IDLE', 'DEPLOYED']);
    const [replacedEntry] = (await get(`/api/models/${v1.id}/deployments`).expect(200)).body.items;
    assert.deepEqual([replacedEntry.action, replacedEntry.reason], ['undeployed', `replaced by ${v3.id}`]);
  });

  it('deploys to an endpoint named by id, answers 404 for a missing one and 400 for one of another project', async () => {
    const familyId = nextFamily();
    const v1 = await h.seedMirrored({ familyId, version: 1 });
    const [op] = await h.endpointClient().createEndpoint({ parent: h.parent, endpointId: `shared-${familyId}`, endpoint: { displayName: 'shared' } });
    await op.promise();

    assert.equal((await post(`/api/models/${v1.id}/deploy`, { endpoint: 'nowhere' }).expect(404)).body.error.code, 'NOT_FOUND');
    const foreign = await post(`/api/models/${v1.id}/deploy`, { endpoint: 'projects/other-project/locations/us-central1/endpoints/shared' }).expect(400);
    assert.equal(foreign.body.error.fields[0].path, 'body.endpoint');
    assert.equal((await get(`/api/models/${v1.id}/deployments`).expect(200)).body.items[0].action, 'deploy_failed');

    const res = await post(`/api/models/${v1.id}/deploy`, { endpoint: `shared-${familyId}` }).expect(200);
    assert.equal(res.body.deployment.endpoint, `${h.parent}/endpoints/shared-${familyId}`);
    const elsewhere = await post(`/api/models/${v1.id}/deploy`, { endpoint: 'other' }).expect(409);
    assert.equal(elsewhere.body.error.endpoint, res.body.deployment.endpoint);
  });

  it('records an undeploy when Vertex AI no longer serves the version', async () => {
    const familyId = nextFamily();
    const v1 = await h.seedMirrored({ familyId, version: 1 });
    const { deployment } = (await post(`/api/models/${v1.id}/deploy`).expect(200)).body;
    const [op] = await h.endpointClient().undeployModel({ endpoint: deployment.endpoint, deployedModelId: deployment.deployedModelId });
    await op.promise();

    const res = await post(`/api/models/${v1.id}/undeploy`).expect(200);
    assert.equal(res.body.changed, true);
    const [entry] = (await get(`/api/models/${v1.id}/deployments`).expect(200)).body.items;
    assert.deepEqual([entry.action, entry.reason], ['undeployed', 'no longer deployed on Vertex AI']);
  });

  it('undeploys a version recorded as deployed without a deployment (imported data) by recording it', async () => {
    const v1 = await h.seedMirrored({ familyId: nextFamily(), version: 1, deployed: true });
    const res = await post(`/api/models/${v1.id}/undeploy`).expect(200);
    assert.deepEqual([res.body.changed, res.body.version.badge], [true, 'IDLE']);
    assert.equal(published.events[0]!.data.endpoint, null);
  });

  it('refuses versions that are archived or not mirrored to Vertex AI yet (409)', async () => {
    const familyId = nextFamily();
    const archived = await h.seedMirrored({ familyId, version: 1, archived: true });
    const unmirrored = await h.seedMirrored({ familyId, version: 2 });
    await h.seed([{ ...unmirrored, vertex: { ...unmirrored.vertex, state: 'failed', modelResourceName: null, versionId: null } }]);
    assert.match((await post(`/api/models/${archived.id}/deploy`).expect(409)).body.error.message, /archived/);
    assert.equal((await post(`/api/models/${unmirrored.id}/deploy`).expect(409)).body.error.vertexState, 'failed');
  });

  it('answers 403 to viewers and editors on deploy and undeploy', async () => {
    const v1 = await h.seedMirrored({ familyId: nextFamily(), version: 1 });
    for (const token of [h.tokens.viewer, h.tokens.editor]) {
      for (const action of ['deploy', 'undeploy']) {
        const res = await post(`/api/models/${v1.id}/${action}`, {}, token).expect(403);
        assert.deepEqual([res.body.error.code, res.body.error.requiredRole], ['FORBIDDEN', 'deployer']);
      }
    }
  });

  const badBodies: [object, string][] = [
    [{ minReplicas: 3, maxReplicas: 2 }, 'body.maxReplicas'],
    [{ trafficPercent: 101 }, 'body.trafficPercent'],
    [{ machineType: 'N1 STANDARD' }, 'body.machineType'],
    [{ endpoint: 'a/b' }, 'body.endpoint'],
    [{ force: 'yes' }, 'body.force'],
    [{ replicas: 2 }, 'body'],
  ];
  for (const [body, path] of badBodies) {
    it(`answers 400 naming ${path} for ${JSON.stringify(body)}`, async () => {
      const res = await post('/api/models/recs-1-v1/deploy', body).expect(400);
      assert.ok(res.body.error.fields.some((f: { path: string }) => f.path === path), JSON.stringify(res.body.error.fields));
    });
  }
});
