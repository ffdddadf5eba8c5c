import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { seedRegistry } from '../../../dev/demo/seed';
import { manifestObjectName, type ManifestEntry } from '../../../shared/domain/manifest';
import { DEFAULT_SERVING_CONTAINER_IMAGE } from '../../../functions/src/register-config';
import { makeRun } from '../../support/fixtures';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { MAX_PUSH_FILES, PUSHES, REGISTRY, savedModel, startRegisterHarness, type RegisterHarness } from './harness';

const STAMP = '20260601';
const prefixOf = (runNumber: number, dir = '1700000000') => `tr-${runNumber}-${STAMP}/pushed_model/${dir}`;
const pushIdOf = (runNumber: number, dir = '1700000000') => `tr-${runNumber}-${STAMP}:${dir}`;

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('register function (functions framework + GCS, Vertex AI twins + Firestore emulator)', () => {
  let h: RegisterHarness;

  before(async () => {
    await (await sharedFirestoreEmulator()).reset();
    h = await startRegisterHarness();
  });

  after(async () => {
    await h?.stop();
  });

  afterEach(async () => {
    await h.settle();
    h.vertex.faults.clear();
    h.handling.enabled = true;
  });

  /** Training-run documents for run numbers `from`…`from + count - 1` in one family. */
  const seedRuns = (familyId: string, from: number, count = 1, extra: Partial<Parameters<typeof makeRun>[0]> = {}) =>
    seedRegistry(h.db, {
      runs: Array.from({ length: count }, (_, i) => makeRun({
        id: String(from + i), runNumber: from + i, familyId, runId: `tr-${from + i}-${STAMP}`, name: `${familyId}-run-${from + i}`, ...extra,
      })),
    });

  const readManifest = async (digest: string): Promise<ManifestEntry[]> => {
    const [bytes] = await h.storage.bucket(REGISTRY).file(manifestObjectName(digest)).download();
    return JSON.parse(bytes.toString());
  };

  const vertexModel = (familyId: string) => h.vertex.models().find((m) => m.name.endsWith(`/models/${familyId}`));

  it('registers a SavedModel directory exactly once, whatever order its files arrive in', async function () {
    this.timeout(45_000); // 96 uploads and their events: slow on a loaded machine, a few seconds otherwise
    const files = savedModel('orders');
    const orders = permutations(Object.keys(files));
    assert.equal(orders.length, 24);
    await seedRuns('orders', 600, orders.length);
    await Promise.all(orders.map((order, i) => h.push(prefixOf(600 + i), files, order)));
    await h.settle();

    const versions = await h.versionsOf('orders');
    assert.deepEqual(versions.map((v) => v.version), Array.from({ length: 24 }, (_, i) => i + 1));
    assert.deepEqual(new Set(versions.map((v) => v.artifacts.modelUri)), new Set(orders.map((_, i) => `gs://${PUSHES}/${prefixOf(600 + i)}`)));
    for (const version of versions) {
      assert.equal(version.artifacts.format, 'tf_saved_model');
      assert.equal(version.vertex.state, 'mirrored');
      const order = orders[orders.findIndex((_, i) => version.artifacts.modelUri.endsWith(prefixOf(600 + i)))]!;
      // The optional asset is in the version unless it came last (the directory was complete without it).
      if (order.at(-1) !== 'assets/vocab.txt') assert.equal(version.artifacts.fileCount, 4, order.join(' → '));
      else assert.ok([3, 4].includes(version.artifacts.fileCount!));
    }
    const push = await h.pushRecord(pushIdOf(600));
    assert.equal(push?.state, 'registered');
    assert.ok(versions.some((v) => v.id === push?.versionId));
  });

  it('notes on the push record a file that arrived after its directory was registered', async () => {
    await seedRuns('late', 650);
    const files = savedModel('late');
    delete files['assets/vocab.txt'];
    await h.push(prefixOf(650), files);
    await h.settle();
    await h.upload(`${prefixOf(650)}/assets/late.txt`, 'too late');
    await h.settle();

    const [version] = await h.versionsOf('late');
    assert.equal(version?.artifacts.fileCount, 3, 'a registered version never changes');
    assert.match((await h.pushRecord(pushIdOf(650)))!.notes.join('\n'), /assets\/late\.txt arrived after the push was registered as late-v1/);
  });

  it('registers one version when the same finalize event is delivered three times at once', async () => {
    await seedRuns('replayed', 700);
    h.handling.enabled = false;
    await h.push(prefixOf(700), savedModel('replayed'));
    await h.settle();
    h.handling.enabled = true;

    const name = `${prefixOf(700)}/saved_model.pb`;
    const [object] = await h.storage.bucket(PUSHES).file(name).getMetadata();
    const headers = {
      'ce-id': 'replayed-event-1', 'ce-specversion': '1.0', 'ce-type': 'google.cloud.storage.object.v1.finalized',
      'ce-source': `//storage.googleapis.com/projects/_/buckets/${PUSHES}`, 'ce-subject': `objects/${name}`,
      'ce-time': new Date().toISOString(), 'content-type': 'application/json',
    };
    const responses = await Promise.all([1, 2, 3].map(() => fetch(h.url, { method: 'POST', headers, body: JSON.stringify(object) })));
    assert.deepEqual(responses.map((r) => r.ok), [true, true, true]);

    const versions = await h.versionsOf('replayed');
    assert.deepEqual(versions.map((v) => v.id), ['replayed-v1']);
    assert.equal(vertexModel('replayed')?.versions.length, 1);
  });

  it('numbers 50 concurrent pushes into one family 1..50, without gap or duplicate', async function () {
    this.timeout(45_000); // 150 uploads and their events: slow on a loaded machine, a few seconds otherwise
    await seedRuns('burst', 1000, 50);
    const files = savedModel('burst');
    delete files['assets/vocab.txt'];
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.push(prefixOf(1000 + i), files)));
    await h.settle();

    const versions = await h.versionsOf('burst');
    assert.deepEqual(versions.map((v) => v.version), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.equal(new Set(versions.map((v) => v.artifacts.modelUri)).size, 50);
    assert.equal((await h.db.collection('families').doc('burst').get()).get('latestVersion'), 50);
    const model = vertexModel('burst');
    assert.equal(model?.versions.length, 50, 'one Vertex model holds every version');
    assert.deepEqual(model!.versions.flatMap((v) => v.versionAliases!.filter((a) => a !== 'default' && a !== 'latest')).sort(),
      Array.from({ length: 50 }, (_, i) => `v${i + 1}`).sort());
    // However the registrations finished, `latest` ends on the newest, here and in Vertex AI.
    assert.equal((await h.db.collection('families').doc('burst').collection('aliases').doc('latest').get()).get('versionId'), 'burst-v50');
    assert.deepEqual(model!.versions.filter((v) => v.versionAliases!.includes('latest')).map((v) => v.versionId), ['50']);
  });

  it('stores a file shared by two versions once, under its SHA-256, and never rewrites it', async () => {
    await seedRuns('dedup', 800, 2);
    const shared = 'weights shared by both versions';
    await h.push(prefixOf(800), { ...savedModel('dedup-1'), 'variables/variables.data-00000-of-00001': shared });
    await h.settle();
    const sha = createHash('sha256').update(shared).digest('hex');
    const blob = h.storage.bucket(REGISTRY).file(`blobs/sha256/${sha}`);
    const [before] = await blob.getMetadata();

    await h.push(prefixOf(801), { ...savedModel('dedup-2'), 'variables/variables.data-00000-of-00001': shared });
    await h.settle();
    const [after] = await blob.getMetadata();
    assert.equal(after.generation, before.generation, 'the second version reused the blob');
    assert.equal((await blob.download())[0].toString(), shared);

    const [v1, v2] = await h.versionsOf('dedup');
    const [m1, m2] = [await readManifest(v1!.artifacts.manifestDigest!), await readManifest(v2!.artifacts.manifestDigest!)];
    const shaOf = (m: ManifestEntry[], path: string) => m.find((e) => e.path === path)?.sha256;
    assert.equal(shaOf(m1, 'variables/variables.data-00000-of-00001'), sha);
    assert.equal(shaOf(m2, 'variables/variables.data-00000-of-00001'), sha);
    assert.notEqual(shaOf(m1, 'saved_model.pb'), shaOf(m2, 'saved_model.pb'));
    assert.deepEqual(m1.map((e) => e.path), [...m1.map((e) => e.path)].sort(), 'manifest sorted by path');
    const digest = `sha256:${createHash('sha256').update(JSON.stringify(m1)).digest('hex')}`;
    assert.equal(v1!.artifacts.manifestDigest, digest);
  });

  it('waits for every shard a Hugging Face index names before registering', async () => {
    await seedRuns('hf-sharded', 850, 1, { modelType: 'ranking' });
    const index = { weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors' } };
    const files = {
      'model.safetensors.index.json': JSON.stringify(index),
      'model-00001-of-00002.safetensors': 'shard one',
      'config.json': '{"architectures":["Ranker"]}',
      'model-00002-of-00002.safetensors': 'shard two',
    };
    await h.push(prefixOf(850), files);
    await h.settle();
    const versions = await h.versionsOf('hf-sharded');
    assert.equal(versions.length, 1);
    assert.equal(versions[0]!.artifacts.format, 'hf_full');
    assert.equal(versions[0]!.artifacts.fileCount, 4);
  });

  describe('metrics, blessing and display name', () => {
    it('takes family, metrics and blessing from metrics.json when no training run document exists', async () => {
      await h.upload(`tr-900-${STAMP}/metrics.json`, JSON.stringify({
        family: 'from-metrics', model_type: 'ranking', metrics: { rmse: 0.41, 'Recall@10': 0.3 },
        evaluation: { metric: 'rmse', comparator: '<=', threshold: 0.5, achieved: 0.41, blessed: true },
      }));
      await h.push(prefixOf(900), savedModel('from-metrics'));
      await h.settle();

      const [version] = await h.versionsOf('from-metrics');
      assert.equal(version?.blessed, true);
      assert.deepEqual(version?.metrics, { rmse: 0.41, recall_10: 0.3 });
      assert.equal(version?.modelType, 'ranking');
      assert.equal(version?.name, 'from-metrics-v1');
      assert.equal(version?.artifacts.metricsUri, `gs://${PUSHES}/tr-900-${STAMP}/metrics.json`);

      const mirrored = vertexModel('from-metrics')?.versions[0];
      assert.equal(mirrored?.artifactUri, `gs://${PUSHES}/${prefixOf(900)}`, 'the versioned directory (bug #3)');
      assert.equal(mirrored?.containerSpec?.imageUri, DEFAULT_SERVING_CONTAINER_IMAGE);
      assert.deepEqual(mirrored?.labels, {
        family: 'from-metrics', model_type: 'ranking', registry_version: '1', blessed: 'true', managed_by: 'model-registry',
      });
    });

    it('registers without metrics.json with blessing unknown, a note, and the run name as display name', async () => {
      await seedRuns('no-metrics', 910, 1, { name: 'chern_rank_v1' });
      await h.push(prefixOf(910), savedModel('no-metrics'));
      await h.settle();

      const [version] = await h.versionsOf('no-metrics');
      assert.equal(version?.blessed, null);
      assert.equal(version?.artifacts.metricsUri, null);
      assert.equal(version?.name, 'chern_rank_v1');
      assert.equal(version?.vertex.displayName, 'chern_rank_v1');
      assert.equal(version?.trainingRunId, '910');
      assert.equal(vertexModel('no-metrics')?.versions[0]?.displayName, 'chern_rank_v1');
      assert.match((await h.pushRecord(pushIdOf(910)))!.notes.join('\n'), /no metrics\.json/);
      assert.equal((await h.db.collection('trainingRuns').doc('910').get()).get('versionId'), 'no-metrics-v1');
    });
  });

  describe('input example shipped with the model (input_example.json)', () => {
    it('keeps the example request a push ships at its root, for the playground', async () => {
      await seedRuns('with-example', 970, 1);
      const example = { instances: [{ user_id: 'u-1', top_k: 5 }], parameters: { temperature: 0 } };
      await h.push(prefixOf(970), { 'input_example.json': JSON.stringify(example), ...savedModel('with-example') });
      await h.settle();
      const [version] = await h.versionsOf('with-example');
      assert.deepEqual(version?.inputExample, example);
      assert.equal(version?.artifacts.fileCount, 4, 'the example is one of the version\'s files, hashed and signed with them');
    });

    it('registers without the example, noting why, when it is not a list of instances', async () => {
      await seedRuns('bad-example', 971, 1);
      await h.push(prefixOf(971), { 'input_example.json': JSON.stringify({ rows: [1, 2] }), ...savedModel('bad-example') });
      await h.settle();
      const [version] = await h.versionsOf('bad-example');
      assert.equal(version?.inputExample, null);
      assert.match((await h.pushRecord(pushIdOf(971)))!.notes.join('\n'), /input_example\.json ignored: .*instances/);
    });
  });

  describe('family from the pushed files\' custom metadata (pipelines that copy with gcloud)', () => {
    const pushWithMetadata = async (n: number, family: string, metadata: Record<string, string>) => {
      for (const [path, content] of Object.entries(savedModel(family))) {
        await h.storage.bucket(PUSHES).file(`${prefixOf(n)}/${path}`).save(Buffer.from(content), { resumable: false, metadata: { metadata } });
      }
      await h.settle();
    };

    it('registers a push without run document or metrics.json into the family its files name', async () => {
      await pushWithMetadata(960, 'from-metadata', { 'registry-family': 'from-metadata', 'registry-model-type': 'retrieval' });
      const [version] = await h.versionsOf('from-metadata');
      assert.equal(version?.modelType, 'retrieval');
      assert.equal(version?.blessed, null);
      assert.equal((await h.pushRecord(pushIdOf(960)))?.state, 'registered');
    });

    it('refuses a push whose metadata names an unknown model type, saying which key and what it accepts', async () => {
      await pushWithMetadata(961, 'bad-type', { 'registry-family': 'bad-type', 'registry-model-type': 'regression' });
      const push = await h.pushRecord(pushIdOf(961));
      assert.equal(push?.code, 'UNKNOWN_FAMILY');
      assert.match(push?.message ?? '', /registry-model-type='regression' must be one of retrieval/);
      assert.deepEqual(await h.versionsOf('bad-type'), []);
    });
  });

  describe('refused pushes (recorded, acknowledged)', () => {
    it('records UNKNOWN_FAMILY when neither a run document nor metrics.json names the family', async () => {
      await h.push(prefixOf(920), savedModel('orphan'));
      await h.settle();
      const push = await h.pushRecord(pushIdOf(920));
      assert.equal(push?.state, 'failed');
      assert.equal(push?.code, 'UNKNOWN_FAMILY');
      assert.match(push?.message ?? '', /metrics\.json.*registry-family/, 'names every way the family could have been given');
      assert.equal((await h.db.collection('versions').where('artifacts.modelUri', '==', `gs://${PUSHES}/${prefixOf(920)}`).get()).size, 0);
    });

    it('records BAD_LAYOUT for a file pushed outside a versioned directory (bug #3)', async () => {
      const name = `tr-921-${STAMP}/pushed_model/saved_model.pb`;
      await h.upload(name, 'graph');
      await h.settle();
      const records = await h.db.collection('pushes').where('objectName', '==', name).get();
      assert.equal(records.size, 1);
      assert.equal(records.docs[0]!.get('code'), 'BAD_LAYOUT');
    });

    it(`records TOO_MANY_FILES for a push of more than ${MAX_PUSH_FILES} files`, async () => {
      await seedRuns('crowded', 922);
      const extras = Object.fromEntries(Array.from({ length: MAX_PUSH_FILES + 1 }, (_, i) => [`extra/f${i}.txt`, `f${i}`]));
      await Promise.all(Object.entries(extras).map(([path, content]) => h.upload(`${prefixOf(922)}/${path}`, content)));
      await h.push(prefixOf(922), savedModel('crowded'));
      await h.settle();
      assert.equal((await h.pushRecord(pushIdOf(922)))?.code, 'TOO_MANY_FILES');
      assert.deepEqual(await h.versionsOf('crowded'), []);
    });
  });

  describe('reads', () => {
    it('reads nothing from Firestore for objects outside the push layout', async () => {
      h.firestoreCalls.calls.length = 0;
      await h.upload(`tr-930-${STAMP}/metrics.json`, '{}');
      await h.upload('notes/readme.md', 'hello');
      await h.upload(`tr-930-${STAMP}/pushed_model/`, '');
      await h.settle();
      assert.deepEqual([...h.firestoreCalls.calls], []);

      await seedRuns('counted', 931);
      await h.push(prefixOf(931), savedModel('counted'));
      await h.settle();
      assert.ok(h.firestoreCalls.calls.includes('claimPush') && h.firestoreCalls.calls.includes('register'), 'the spy sees the calls of a real push');
    });
  });

  describe('events older than MAX_EVENT_AGE_SECONDS', () => {
    /** POSTs the finalize event of an object by hand, as Eventarc would, `ageSeconds` after the object was written. */
    const replay = async (name: string, id: string, ageSeconds: number) => {
      const [object] = await h.storage.bucket(PUSHES).file(name).getMetadata();
      return fetch(h.url, {
        method: 'POST',
        headers: {
          'ce-id': id, 'ce-specversion': '1.0', 'ce-type': 'google.cloud.storage.object.v1.finalized',
          'ce-source': `//storage.googleapis.com/projects/_/buckets/${PUSHES}`, 'ce-subject': `objects/${name}`,
          'ce-time': new Date(Date.now() - ageSeconds * 1000).toISOString(), 'content-type': 'application/json',
        },
        body: JSON.stringify(object),
      });
    };

    /** A pushed directory whose events were acknowledged unhandled: as if they had not come yet. */
    const pushUnhandled = async (familyId: string, run: number) => {
      await seedRuns(familyId, run);
      h.handling.enabled = false;
      await h.push(prefixOf(run), savedModel(familyId));
      await h.settle();
      h.handling.enabled = true;
    };

    it('gives an event older than MAX_EVENT_AGE_SECONDS a last attempt: the push it completes registers once, the event is acknowledged', async () => {
      await pushUnhandled('stale', 940);
      const late = h.config.maxEventAgeSeconds + 60;
      const name = `${prefixOf(940)}/saved_model.pb`;

      const response = await replay(name, 'stale-1', late);
      assert.equal(response.status, 204, 'acknowledged');
      assert.deepEqual((await h.versionsOf('stale')).map((v) => v.versionLabel), ['v1']);
      assert.equal((await h.pushRecord(pushIdOf(940)))?.state, 'registered');
      assert.equal((await replay(name, 'stale-1', late)).status, 204, 'its redelivery too');
      assert.equal((await replay(`${prefixOf(940)}/variables/variables.index`, 'stale-2', late)).status, 204);
      assert.equal((await h.versionsOf('stale')).length, 1, 'still one version');
    });

    it('records the push as EVENT_EXPIRED and acknowledges the event when that last attempt fails; a later event still registers it', async function () {
      this.timeout(90_000); // the storage client retries each failed download for seconds first
      await pushUnhandled('expired', 941);
      const name = `${prefixOf(941)}/saved_model.pb`;
      h.gcs.faults.set({ failReads: 1_000_000 });
      try {
        const response = await replay(name, 'expired-1', h.config.maxEventAgeSeconds + 60);
        assert.equal(response.status, 204, 'acknowledged: Eventarc would otherwise retry it for the rest of its day');
      } finally {
        h.gcs.faults.clear();
      }
      const record = await h.pushRecord(pushIdOf(941));
      assert.equal(record?.state, 'failed');
      assert.equal(record?.code, 'EVENT_EXPIRED');
      assert.match(record?.message ?? '', /event expired-1 is \d+ s old \(MAX_EVENT_AGE_SECONDS=3600\); its last attempt failed \(.+\): upload a file of the push again/);
      assert.deepEqual(await h.versionsOf('expired'), []);

      // A file written again (or any timely event of the directory) registers it after all.
      assert.equal((await replay(name, 'expired-2', 1)).status, 204);
      assert.deepEqual((await h.versionsOf('expired')).map((v) => v.versionLabel), ['v1']);
      assert.equal((await h.pushRecord(pushIdOf(941)))?.state, 'registered');
    });
  });
});
