import assert from 'node:assert/strict';
import { seedRegistry } from '../../../dev/demo/seed';
import { manifestObjectName } from '../../../shared/domain/manifest';
import { makeRun } from '../../support/fixtures';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { PUSHES, REGISTRY, hfSharded, peftAdapter, savedModel, startArtifactsHarness, type ArtifactsHarness } from './harness';

describe('promotion API: POST /api/families/{id}/versions:promote (GCS, Vertex AI twins + Firestore emulator)', () => {
  let h: ArtifactsHarness;

  before(async () => {
    await (await sharedFirestoreEmulator()).reset();
    h = await startArtifactsHarness();
  });

  after(async () => {
    await h?.stop();
  });

  const vertexModel = (familyId: string) => h.vertex.models().find((m) => m.name.endsWith(`/models/${familyId}`));

  describe('each format', () => {
    it('promotes a training run\'s TF SavedModel as v1, with metrics and blessing from its metrics.json, mirrored to Vertex AI', async () => {
      await h.createFamily('tf-family');
      await seedRegistry(h.db, { runs: [makeRun({ id: '47', runNumber: 47, familyId: 'other-family', runId: 'tr-47-20260601', name: 'TR-47' })] });
      await h.upload('tr-47-20260601/pushed_model/1700000000', savedModel('tf'));
      await h.upload('tr-47-20260601', {
        'metrics.json': JSON.stringify({ metrics: { 'Recall@100': 0.81 }, evaluation: { metric: 'recall_at_100', comparator: '>=', threshold: 0.8, achieved: 0.81, blessed: true } }),
      });

      const res = await h.promote('tf-family', { trainingRunId: '47' }).expect(201);
      assert.equal(res.headers.location, '/api/models/tf-family-v1');
      assert.equal(res.body.id, 'tf-family-v1');
      assert.equal(res.body.versionLabel, 'v1');
      assert.equal(res.body.familyId, 'tf-family');
      assert.equal(res.body.trainingRunId, '47');
      assert.equal(res.body.blessed, true);
      assert.deepEqual(res.body.metrics, { recall_100: 0.81 });
      assert.equal(res.body.registeredBy, 'editor@example.com');
      assert.equal(res.body.artifacts.format, 'tf_saved_model');
      assert.equal(res.body.artifacts.modelUri, `gs://${PUSHES}/tr-47-20260601/pushed_model/1700000000`);
      assert.equal(res.body.artifacts.fileCount, 4);
      assert.equal(res.body.vertex.state, 'mirrored');
      const [manifest] = await h.storage.bucket(REGISTRY).file(manifestObjectName(res.body.artifacts.manifestDigest)).download();
      assert.deepEqual(JSON.parse(manifest.toString()).map((e: { path: string }) => e.path),
        ['assets/vocab.txt', 'saved_model.pb', 'variables/variables.data-00000-of-00001', 'variables/variables.index']);
      assert.equal(vertexModel('tf-family')?.versions[0]?.artifactUri, res.body.artifacts.modelUri);
      // The run now points at the version it was promoted to.
      assert.equal((await h.db.collection('trainingRuns').doc('47').get()).get('versionId'), 'tf-family-v1');
    });

    it('announces version.registered and moves the family\'s latest alias, as registration does', async () => {
      const registered = h.published.filter((e) => e.type === 'com.modelregistry.version.registered' && e.subject === 'tf-family-v1');
      assert.equal(registered.length, 1);
      const latest = (await h.writes.aliases.list('tf-family')).find((a) => a.alias === 'latest');
      assert.equal(latest?.versionId, 'tf-family-v1');
    });

    it('promotes a sharded Hugging Face model from a GCS prefix, its shards named by the index', async () => {
      await h.createFamily('hf-family', 'ranking');
      await h.upload('hf/gemma-2b-sft', hfSharded('a'));
      const res = await h.promote('hf-family', { gcsPrefix: `gs://${PUSHES}/hf/gemma-2b-sft/` }).expect(201);
      assert.equal(res.body.versionLabel, 'v1');
      assert.equal(res.body.modelType, 'ranking');
      assert.equal(res.body.artifacts.format, 'hf_full');
      assert.equal(res.body.artifacts.fileCount, 5);
      assert.equal(res.body.trainingRunId, null);
    });

    it('promotes a PEFT adapter from a GCS prefix', async () => {
      await h.createFamily('peft-family');
      await h.upload('adapters/lora-1', peftAdapter('a'));
      const res = await h.promote('peft-family', { gcsPrefix: `gs://${PUSHES}/adapters/lora-1` }).expect(201);
      assert.equal(res.body.artifacts.format, 'peft_adapter');
      assert.equal(res.body.artifacts.fileCount, 2);
    });
  });

  describe('numbering and labels', () => {
    it('labels versions v1, v2, v3 in promotion order unless a label is given', async () => {
      await h.createFamily('numbered');
      for (const n of [1, 2, 3]) await h.upload(`numbered/${n}`, peftAdapter(`n${n}`));
      const first = await h.promote('numbered', { gcsPrefix: `gs://${PUSHES}/numbered/1` }).expect(201);
      const second = await h.promote('numbered', { gcsPrefix: `gs://${PUSHES}/numbered/2`, label: 'gemma-sft-final' }).expect(201);
      const third = await h.promote('numbered', { gcsPrefix: `gs://${PUSHES}/numbered/3` }).expect(201);
      assert.deepEqual([first.body.versionLabel, second.body.versionLabel, third.body.versionLabel], ['v1', 'gemma-sft-final', 'v3']);
      assert.deepEqual([first.body.version, second.body.version, third.body.version], [1, 2, 3]);
      const family = await h.db.collection('families').doc('numbered').get();
      assert.equal(family.get('latestVersion'), 3);
    });

    it('answers 409 CONFLICT when the label already names another version of the family, and creates nothing', async () => {
      await h.createFamily('labelled');
      await h.upload('labelled/a', peftAdapter('a'));
      await h.upload('labelled/b', peftAdapter('b'));
      await h.promote('labelled', { gcsPrefix: `gs://${PUSHES}/labelled/a`, label: 'release-1' }).expect(201);
      const res = await h.promote('labelled', { gcsPrefix: `gs://${PUSHES}/labelled/b`, label: 'release-1' }).expect(409);
      assert.equal(res.body.error.code, 'CONFLICT');
      assert.equal(res.body.error.versionId, 'labelled-v1');
      assert.equal((await h.versionsOf('labelled')).length, 1);
      // The same label in another family is fine.
      await h.createFamily('labelled-too');
      await h.promote('labelled-too', { gcsPrefix: `gs://${PUSHES}/labelled/b`, label: 'release-1' }).expect(201);
    });

    it('frees the label of a promotion that failed, so that another version can take it', async () => {
      await h.createFamily('first-home');
      await h.createFamily('second-home');
      await h.upload('homeless/a', peftAdapter('homeless-a'));
      await h.upload('homeless/b', peftAdapter('homeless-b'));
      await h.promote('first-home', { gcsPrefix: `gs://${PUSHES}/homeless/a` }).expect(201);
      // Already a version of first-home: refused, and its claim on the label is let go.
      const refused = await h.promote('second-home', { gcsPrefix: `gs://${PUSHES}/homeless/a`, label: 'keeper' }).expect(409);
      assert.match(refused.body.error.message, /already registered as first-home-v1/);
      const res = await h.promote('second-home', { gcsPrefix: `gs://${PUSHES}/homeless/b`, label: 'keeper' }).expect(201);
      assert.equal(res.body.versionLabel, 'keeper');
    });

    it('refuses v<n>-like labels, which are the automatic ones, with 400 on body.label', async () => {
      const res = await h.promote('numbered', { gcsPrefix: `gs://${PUSHES}/numbered/1`, label: 'v7' }).expect(400);
      assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path), ['body.label']);
    });
  });

  describe('idempotency', () => {
    it('answers the existing version with 200 when the same prefix is promoted again', async () => {
      await h.createFamily('twice');
      await h.upload('twice/model', savedModel('twice'));
      const first = await h.promote('twice', { gcsPrefix: `gs://${PUSHES}/twice/model` }).expect(201);
      const again = await h.promote('twice', { gcsPrefix: `gs://${PUSHES}/twice/model/` }).expect(200);
      assert.equal(again.body.id, first.body.id);
      assert.equal((await h.versionsOf('twice')).length, 1);
      assert.equal(vertexModel('twice')?.versions.length, 1);
    });

    it('makes one version of three concurrent promotions of one prefix', async () => {
      await h.createFamily('racing');
      await h.upload('racing/model', hfSharded('race'));
      const answers = await Promise.all([1, 2, 3].map(() => h.promote('racing', { gcsPrefix: `gs://${PUSHES}/racing/model` })));
      assert.equal(answers.filter((a) => a.status === 201).length, 1, JSON.stringify(answers.map((a) => a.status)));
      for (const answer of answers) assert.ok([200, 201, 409].includes(answer.status), String(answer.status));
      assert.deepEqual((await h.versionsOf('racing')).map((v) => v.id), ['racing-v1']);
    });

    it('answers 409 when the directory is already a version of another family', async () => {
      await h.createFamily('elsewhere');
      const res = await h.promote('elsewhere', { gcsPrefix: `gs://${PUSHES}/twice/model` }).expect(409);
      assert.equal(res.body.error.code, 'CONFLICT');
      assert.equal(res.body.error.familyId, 'twice');
    });
  });

  describe('validation', () => {
    it('answers 400 naming the missing files of an incomplete SavedModel', async () => {
      await h.createFamily('incomplete');
      const { 'variables/variables.data-00000-of-00001': _shard, ...partial } = savedModel('partial');
      await h.upload('incomplete/tf', partial);
      const res = await h.promote('incomplete', { gcsPrefix: `gs://${PUSHES}/incomplete/tf` }).expect(400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path), ['body.gcsPrefix']);
      assert.deepEqual(res.body.error.missing, ['variables/variables.data-00000-of-<n>']);
      assert.match(res.body.error.message, /not a complete tf_saved_model model: missing variables\/variables\.data-00000-of-<n>/);
      assert.equal((await h.versionsOf('incomplete')).length, 0);
    });

    it('answers 400 naming the shard a Hugging Face index lists but the directory lacks', async () => {
      const { 'model-00002-of-00002.safetensors': _shard, ...partial } = hfSharded('partial');
      await h.upload('incomplete/hf', partial);
      const res = await h.promote('incomplete', { gcsPrefix: `gs://${PUSHES}/incomplete/hf` }).expect(400);
      assert.deepEqual(res.body.error.missing, ['model-00002-of-00002.safetensors']);
      assert.match(res.body.error.fields[0].message, /model-00002-of-00002\.safetensors/);
    });

    it('answers 400 on body.trainingRunId for a run that pushed no model', async () => {
      await seedRegistry(h.db, { runs: [makeRun({ id: '48', runId: 'tr-48-20260601' })] });
      const res = await h.promote('incomplete', { trainingRunId: '48' }).expect(400);
      assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path), ['body.trainingRunId']);
    });

    it('answers 400 on both fields unless exactly one of trainingRunId and gcsPrefix is given', async () => {
      for (const body of [{}, { trainingRunId: '47', gcsPrefix: `gs://${PUSHES}/x` }]) {
        const res = await h.promote('incomplete', body).expect(400);
        assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path), ['body.trainingRunId', 'body.gcsPrefix']);
      }
    });

    it('answers 400 for a prefix outside the pushes bucket or with ".." segments', async () => {
      for (const gcsPrefix of ['gs://elsewhere/model', `gs://${PUSHES}/a/../b`]) {
        const res = await h.promote('incomplete', { gcsPrefix }).expect(400);
        assert.equal(res.body.error.fields[0].path, 'body.gcsPrefix', gcsPrefix);
      }
    });

    it('answers 404 for an unknown family or training run', async () => {
      assert.equal((await h.promote('no-such-family', { gcsPrefix: `gs://${PUSHES}/twice/model` }).expect(404)).body.error.resource, 'Family');
      assert.equal((await h.promote('incomplete', { trainingRunId: 'nope' }).expect(404)).body.error.resource, 'Training run');
    });

    it('answers 403 to a viewer', async () => {
      const res = await h.promote('incomplete', { gcsPrefix: `gs://${PUSHES}/twice/model` }, h.tokens.viewer).expect(403);
      assert.equal(res.body.error.requiredRole, 'editor');
    });
  });
});
