import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Storage } from '@google-cloud/storage';
import { startGcsTwin, storageClientOptions, type GcsTwin } from '../../../dev/twins/gcs';
import { canonicalManifest, manifestObjectName } from '../../../shared/domain/manifest';
import { makeVersion } from '../../support/fixtures';
import { startDeploymentsHarness, recordingPublisher, type DeploymentsHarness } from './harness';

const REGISTRY = 'registry';
const sha = (c: string) => c.repeat(64);

describe('compare, archive and delete API (Firestore emulator, Vertex and GCS twins)', () => {
  let h: DeploymentsHarness;
  let gcs: GcsTwin;
  let dataDir: string;
  const published = recordingPublisher();

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lifecycle-gcs-'));
    gcs = await startGcsTwin({ dataDir, buckets: [REGISTRY], log: () => undefined });
    h = await startDeploymentsHarness({
      env: { REGISTRY_BUCKET: REGISTRY, STORAGE_API_ENDPOINT: gcs.url },
      overrides: { wrapPublisher: () => published },
    });
  });
  after(async () => {
    await h?.stop();
    await gcs?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    published.events.length = 0;
    await h.reset();
  });

  const as = (token: string) => ({
    get: (path: string) => request(h.server).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => request(h.server).post(path).set('Authorization', `Bearer ${token}`).send({}),
    del: (path: string) => request(h.server).delete(path).set('Authorization', `Bearer ${token}`),
  });
  const viewer = () => as(h.tokens.viewer);

  describe('compare', () => {
    it('puts every metric of two versions side by side with the change and whether it improved (v2 → v3)', async () => {
      await h.seed([
        makeVersion({ familyId: 'recs-prod', version: 2, metrics: { recall_at_100: 0.801, recall_at_50: 0.654, loss: 0.35 } }),
        makeVersion({ familyId: 'recs-prod', version: 3, metrics: { recall_at_100: 0.823, recall_at_50: 0.687, loss: 0.31, recall_at_5: 0.234 } }),
      ]);
      const res = await viewer().get('/api/models/recs-prod-v2/compare/recs-prod-v3').expect(200);
      assert.deepEqual([res.body.familyId, res.body.from.id, res.body.to.id], ['recs-prod', 'recs-prod-v2', 'recs-prod-v3']);
      const rows = Object.fromEntries(res.body.deltas.map((d: { metric: string; change: number | null; direction: string | null; improved: boolean | null }) => [d.metric, [d.change, d.direction, d.improved]]));
      assert.deepEqual(rows, {
        loss: [-0.04, 'down', true],
        recall_at_100: [0.022, 'up', true],
        recall_at_5: [null, null, null],
        recall_at_50: [0.033, 'up', true],
      });
    });

    it('answers 400 for versions of different families and 404 for a missing one', async () => {
      await h.seed([makeVersion({ familyId: 'recs-prod', version: 1 }), makeVersion({ familyId: 'ranking-q4', version: 1, modelType: 'ranking' })]);
      const res = await viewer().get('/api/models/recs-prod-v1/compare/ranking-q4-v1').expect(400);
      assert.equal(res.body.error.fields[0].path, 'params.otherId');
      assert.equal((await viewer().get('/api/models/recs-prod-v1/compare/recs-prod-v9').expect(404)).body.error.code, 'NOT_FOUND');
    });
  });

  describe('archive', () => {
    it('hides an archived version from the default list and the KPI summary, keeps it readable, and announces it once', async () => {
      await h.seed([makeVersion({ familyId: 'recs-prod', version: 1 }), makeVersion({ familyId: 'recs-prod', version: 2 })]);
      const editor = as(h.tokens.editor);
      const archived = await editor.post('/api/models/recs-prod-v1/archive').expect(200);
      assert.deepEqual([archived.body.changed, archived.body.version.archived], [true, true]);
      assert.equal((await editor.post('/api/models/recs-prod-v1/archive').expect(200)).body.changed, false);

      assert.deepEqual((await viewer().get('/api/models').expect(200)).body.items.map((i: { id: string }) => i.id), ['recs-prod-v2']);
      const summary = (await viewer().get('/api/models/summary').expect(200)).body;
      assert.deepEqual([summary.total, summary.idle], [1, 1]);
      assert.equal((await viewer().get('/api/models/recs-prod-v1').expect(200)).body.archived, true);
      assert.deepEqual((await viewer().get('/api/models/recs-prod-v2/versions').expect(200)).body.items.map((i: { id: string }) => i.id), ['recs-prod-v2', 'recs-prod-v1']);
      assert.deepEqual(published.events.map((e) => [e.type, e.subject, e.data.actor]), [['com.modelregistry.version.archived', 'recs-prod-v1', 'editor@example.com']]);
    });

    it('refuses to archive a deployed version (409) and answers 403 to viewers', async () => {
      await h.seed([makeVersion({ familyId: 'recs-prod', version: 1, deployed: true })]);
      assert.equal((await as(h.tokens.editor).post('/api/models/recs-prod-v1/archive').expect(409)).body.error.reason, 'deployed');
      await viewer().post('/api/models/recs-prod-v1/archive').expect(403);
    });
  });

  describe('delete', () => {
    it('refuses while the version is deployed (through the API) and deletes it once undeployed', async () => {
      const v1 = await h.seedMirrored({ familyId: 'lifecycle-a', version: 1 });
      const deployer = as(h.tokens.deployer);
      await deployer.post(`/api/models/${v1.id}/deploy`).expect(200);
      const refused = await deployer.del(`/api/models/${v1.id}`).expect(409);
      assert.deepEqual([refused.body.error.code, refused.body.error.reason], ['CONFLICT', 'deployed']);
      assert.equal((await viewer().get(`/api/models/${v1.id}`).expect(200)).body.deployed, true);

      await deployer.post(`/api/models/${v1.id}/undeploy`).expect(200);
      assert.equal((await deployer.del(`/api/models/${v1.id}`).expect(200)).body.deleted, v1.id);
      await viewer().get(`/api/models/${v1.id}`).expect(404);
    });

    it('refuses while the version holds an alias other than latest', async () => {
      await h.seed([makeVersion({ familyId: 'recs-prod', version: 1 })]);
      await request(h.server).put('/api/families/recs-prod/aliases/prod').set('Authorization', `Bearer ${h.tokens.editor}`).send({ version: 1 }).expect(200);
      const refused = await as(h.tokens.deployer).del('/api/models/recs-prod-v1').expect(409);
      assert.deepEqual([refused.body.error.reason, refused.body.error.aliases], ['aliased', ['prod']]);
    });

    it('moves latest to the newest remaining version and records the blobs the deleted version referenced', async () => {
      const entries = [
        { path: 'saved_model.pb', size: 10, sha256: sha('a'), contentType: null },
        { path: 'variables/variables.index', size: 5, sha256: sha('b'), contentType: null },
      ];
      const digest = 'sha256:' + sha('c');
      const storage = new Storage(storageClientOptions(gcs.url, h.projectId));
      await storage.bucket(REGISTRY).file(manifestObjectName(digest)).save(canonicalManifest(entries), { resumable: false });
      const v1 = makeVersion({ familyId: 'recs-prod', version: 1 });
      const v2 = makeVersion({ familyId: 'recs-prod', version: 2 });
      await h.seed([v1, { ...v2, artifacts: { ...v2.artifacts, manifestDigest: digest } }]);
      await h.writes.aliases.advanceLatest('recs-prod', v2.id);

      const res = await as(h.tokens.deployer).del('/api/models/recs-prod@latest').expect(200);
      assert.deepEqual(res.body, { deleted: v2.id, blobDigests: [sha('a'), sha('b')], latest: 1 });
      assert.equal((await viewer().get('/api/models/recs-prod@latest').expect(200)).body.id, v1.id);
      const tombstone = (await h.db.collection('deletedVersions').doc(v2.id).get()).data()!;
      assert.deepEqual([tombstone.manifestDigest, tombstone.blobDigests, tombstone.deletedBy], [digest, [sha('a'), sha('b')], 'deployer@example.com']);
      assert.deepEqual(published.events.map((e) => e.type).sort(), [
        'com.modelregistry.alias.moved', 'com.modelregistry.alias.moved', 'com.modelregistry.version.deleted',
      ]);
      await storage.bucket(REGISTRY).file(manifestObjectName(digest)).getMetadata(); // blobs and manifests stay
    });

    it('answers 403 to editors and 404 for a missing version', async () => {
      await as(h.tokens.editor).del('/api/models/recs-prod-v1').expect(403);
      await as(h.tokens.deployer).del('/api/models/recs-prod-v1').expect(404);
    });
  });
});
