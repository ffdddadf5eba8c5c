import assert from 'node:assert/strict';
import request from 'supertest';
import { startDeploymentsHarness, recordingPublisher, type DeploymentsHarness } from './harness';

describe('family aliases API (transactions on the Firestore emulator, mirrored to the Vertex twin)', () => {
  let h: DeploymentsHarness;
  const published = recordingPublisher();
  let family = 0;
  const nextFamily = () => `ranker-${++family}`;

  before(async () => {
    h = await startDeploymentsHarness({ overrides: { wrapPublisher: () => published } });
  });
  after(async () => h?.stop());
  beforeEach(async () => {
    published.events.length = 0;
    await h.reset();
  });

  const put = (familyId: string, alias: string, body: object, token = h.tokens.editor) =>
    request(h.server).put(`/api/families/${familyId}/aliases/${alias}`).set('Authorization', `Bearer ${token}`).send(body);
  const get = (path: string) => request(h.server).get(path).set('Authorization', `Bearer ${h.tokens.viewer}`);
  /** The Vertex aliases of each version of the family's model in the twin, by version id. */
  const vertexAliases = (familyId: string) => Object.fromEntries(
    (h.vertex.models().find((m) => m.name.endsWith(`/models/${familyId}`))?.versions ?? []).map((v) => [v.versionId, (v.versionAliases ?? []).filter((a) => a !== 'default')]),
  );
  const seedFamily = async (count: number) => {
    const familyId = nextFamily();
    const versions = [];
    for (let n = 1; n <= count; n++) versions.push(await h.seedMirrored({ familyId, version: n }));
    return { familyId, versions };
  };

  it('moves an alias atomically: the alias, both versions, the history, Vertex AI and one event', async () => {
    const { familyId, versions: [v1, v2] } = await seedFamily(2);

    const created = await put(familyId, 'prod', { version: 1, expectedVersion: null }).expect(200);
    assert.deepEqual([created.body.changed, created.body.alias.version, created.body.alias.vertex.state, created.body.previousVersion], [true, 1, 'mirrored', null]);
    const moved = await put(familyId, 'prod', { version: 2, expectedVersion: 1 }).expect(200);
    assert.deepEqual([moved.body.alias.versionId, moved.body.previousVersion, moved.body.alias.movedBy], [v2!.id, 1, 'editor@example.com']);

    assert.deepEqual((await get(`/api/models/${v1!.id}`).expect(200)).body.aliases, []);
    assert.deepEqual((await get(`/api/models/${v2!.id}`).expect(200)).body.aliases, ['prod']);
    assert.deepEqual(vertexAliases(familyId), { [v1!.vertex.versionId!]: [], [v2!.vertex.versionId!]: ['prod'] });

    const listed = await get(`/api/families/${familyId}/aliases`).expect(200);
    assert.deepEqual(listed.body.aliases.map((a: { alias: string; version: number }) => [a.alias, a.version]), [['prod', 2]]);
    assert.deepEqual(listed.body.history.map((e: { fromVersion: number | null; toVersion: number }) => [e.fromVersion, e.toVersion]), [[1, 2], [null, 1]]);
    assert.deepEqual(published.events.map((e) => [e.type, e.subject, e.data.fromVersion, e.data.toVersion]), [
      ['com.modelregistry.alias.moved', `${familyId}@prod`, null, 1],
      ['com.modelregistry.alias.moved', `${familyId}@prod`, 1, 2],
    ]);
  });

  it('answers 409 VERSION_MISMATCH when expectedVersion is not what the alias names', async () => {
    const { familyId } = await seedFamily(3);
    await put(familyId, 'staging', { version: 1 }).expect(200);
    const res = await put(familyId, 'staging', { version: 3, expectedVersion: 2 }).expect(409);
    assert.deepEqual([res.body.error.code, res.body.error.currentVersion, res.body.error.expectedVersion], ['VERSION_MISMATCH', 1, 2]);
    assert.equal((await put(familyId, 'staging', { version: 3, expectedVersion: null }).expect(409)).body.error.currentVersion, 1);
    assert.equal((await get(`/api/models/${familyId}@staging`).expect(200)).body.version, 1);
  });

  it('lets exactly one of several concurrent moves with the same expectedVersion win', async () => {
    const { familyId } = await seedFamily(5);
    await put(familyId, 'prod', { version: 1 }).expect(200);

    const answers = await Promise.all([2, 3, 4, 5].map((version) => put(familyId, 'prod', { version, expectedVersion: 1 })));
    const winners = answers.filter((r) => r.status === 200);
    assert.equal(winners.length, 1, JSON.stringify(answers.map((r) => r.status)));
    const losers = answers.filter((r) => r.status !== 200).map((r) => [r.status, r.body.error?.code, r.body.error?.message]);
    assert.deepEqual(losers.filter(([status, code]) => status !== 409 || code !== 'VERSION_MISMATCH'), []);

    const winner = winners[0]!.body.alias.version;
    assert.equal((await get(`/api/models/${familyId}@prod`).expect(200)).body.version, winner);
    const holders = await Promise.all([1, 2, 3, 4, 5].map(async (n) => (await get(`/api/models/${familyId}-v${n}`).expect(200)).body.aliases));
    assert.deepEqual(holders.map((a, i) => (a.includes('prod') ? i + 1 : null)).filter(Boolean), [winner]);
    assert.equal((await get(`/api/families/${familyId}/aliases`).expect(200)).body.history.length, 2);
  });

  it('resolves family@alias, family@v<n> and family@<n> wherever a version id is taken', async () => {
    const { familyId, versions: [, v2] } = await seedFamily(2);
    await put(familyId, 'prod', { version: 2 }).expect(200);

    assert.equal((await get(`/api/models/${familyId}@prod/deployments`).expect(200)).body.versionId, v2!.id);
    assert.equal((await get(`/api/models/${familyId}@prod`).expect(200)).body.id, v2!.id);
    assert.equal((await get(`/api/models/${familyId}@2/versions`).expect(200)).body.versionId, v2!.id);
    assert.equal((await get(`/api/models/${familyId}@v1/compare/${familyId}@prod`).expect(200)).body.to.id, v2!.id);
    const deployed = await request(h.server).post(`/api/models/${familyId}@prod/deploy`).set('Authorization', `Bearer ${h.tokens.deployer}`).send({}).expect(200);
    assert.equal(deployed.body.version.id, v2!.id);
    assert.equal((await get(`/api/models/${familyId}@canary/deployments`).expect(404)).body.error.code, 'NOT_FOUND');
    assert.equal((await get(`/api/models/${familyId}@Bad!/deployments`).expect(400)).body.error.fields[0].path, 'params.id');
  });

  it('moves an alias to v<n>, <family>-v<n> or <family>@<alias>, as every other route takes versions', async () => {
    const { familyId, versions: [v1, v2] } = await seedFamily(2);
    assert.equal((await put(familyId, 'staging', { version: 'v2' }).expect(200)).body.alias.versionId, v2!.id);
    assert.equal((await put(familyId, 'prod', { version: `${familyId}-v1`, expectedVersion: null }).expect(200)).body.alias.versionId, v1!.id);
    assert.equal((await put(familyId, 'prod', { version: `${familyId}@staging`, expectedVersion: 'v1' }).expect(200)).body.alias.versionId, v2!.id);
    assert.equal((await put(familyId, 'prod', { version: 'ranker-x-v1' }).expect(400)).body.error.fields[0].path, 'body.version');
  });

  const reserved: [string, RegExp][] = [
    ['latest', /maintained automatically/],
    ['default', /Vertex AI/],
    ['v3', /version number/],
    ['Prod', /lowercase/],
    ['9lives', /lowercase/],
  ];
  for (const [alias, message] of reserved) {
    it(`refuses to move '${alias}' (400)`, async () => {
      const res = await put('ranker-x', alias, { version: 1 }).expect(400);
      assert.equal(res.body.error.fields[0].path, 'params.alias');
      assert.match(res.body.error.fields[0].message, message);
    });
  }

  it('keeps latest on the newest version: advancing to an older one changes nothing', async () => {
    const { familyId, versions: [v1, v2] } = await seedFamily(2);
    assert.equal((await h.writes.aliases.advanceLatest(familyId, v2!.id)).changed, true);
    assert.equal((await h.writes.aliases.advanceLatest(familyId, v1!.id)).changed, false);
    assert.equal((await h.writes.aliases.advanceLatest(familyId, v2!.id)).changed, false);
    const latest = await get(`/api/models/${familyId}@latest`).expect(200);
    assert.deepEqual([latest.body.id, latest.body.aliases], [v2!.id, ['latest']]);
    assert.deepEqual(vertexAliases(familyId)[v2!.vertex.versionId!], ['latest']);
    assert.equal(published.events.length, 1);
  });

  it('mirrors latest to Vertex AI when advanced again once the version is mirrored', async () => {
    const { familyId, versions: [v1] } = await seedFamily(1);
    // As registration records the mirror: only the `vertex` field changes.
    const recordMirror = (vertex: object) => h.db.collection('versions').doc(v1!.id).update({ vertex });
    await recordMirror({ ...v1!.vertex, state: 'pending' });
    assert.equal((await h.writes.aliases.advanceLatest(familyId, v1!.id)).alias?.vertex.state, 'skipped');
    assert.deepEqual(vertexAliases(familyId)[v1!.vertex.versionId!], []);

    await recordMirror(v1!.vertex);
    const again = await h.writes.aliases.advanceLatest(familyId, v1!.id);
    assert.deepEqual([again.changed, again.alias?.vertex.state], [false, 'mirrored']);
    assert.deepEqual(vertexAliases(familyId)[v1!.vertex.versionId!], ['latest']);
    assert.deepEqual((await get(`/api/models/${v1!.id}`).expect(200)).body.aliases, ['latest']);
    assert.equal(published.events.length, 1);
  });

  it('records a failed Vertex AI mirror on the alias without undoing the move', async () => {
    const { familyId } = await seedFamily(1);
    h.vertex.faults.set({ failMethod: { method: 'MergeVersionAliases', code: 14, message: 'The service is currently unavailable.' } });
    const res = await put(familyId, 'prod', { version: 1 }).expect(200);
    assert.equal(res.body.alias.vertex.state, 'failed');
    assert.match(res.body.alias.vertex.error, /unavailable/);
    const [stored] = (await get(`/api/families/${familyId}/aliases`).expect(200)).body.aliases;
    assert.deepEqual([stored.version, stored.vertex.state], [1, 'failed']);
  });

  it('removes an alias (with expectedVersion), and answers 404 for a version the family does not have', async () => {
    const { familyId, versions: [v1] } = await seedFamily(1);
    await put(familyId, 'prod', { version: 1 }).expect(200);
    const del = (query: string) => request(h.server).delete(`/api/families/${familyId}/aliases/prod${query}`).set('Authorization', `Bearer ${h.tokens.editor}`);
    assert.equal((await del('?expectedVersion=2').expect(409)).body.error.code, 'VERSION_MISMATCH');
    const removed = await del('?expectedVersion=1').expect(200);
    assert.deepEqual([removed.body.changed, removed.body.alias, removed.body.previousVersion], [true, null, 1]);
    assert.deepEqual((await get(`/api/models/${v1!.id}`).expect(200)).body.aliases, []);
    assert.deepEqual(vertexAliases(familyId)[v1!.vertex.versionId!], []);
    assert.equal((await put(familyId, 'prod', { version: 7 }).expect(404)).body.error.code, 'NOT_FOUND');
  });

  it('answers 403 to viewers moving an alias', async () => {
    await put('ranker-x', 'prod', { version: 1 }, h.tokens.viewer).expect(403);
  });
});
