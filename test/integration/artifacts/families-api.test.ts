import assert from 'node:assert/strict';
import request from 'supertest';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { PUSHES, peftAdapter, startArtifactsHarness, type ArtifactsHarness } from './harness';

describe('families API (Firestore emulator)', () => {
  let h: ArtifactsHarness;

  before(async () => {
    await (await sharedFirestoreEmulator()).reset();
    h = await startArtifactsHarness();
  });

  after(async () => {
    await h?.stop();
  });

  const post = (body: unknown, token = h.tokens.editor) =>
    request(h.server).post('/api/families').set('Authorization', `Bearer ${token}`).send(body as object);
  const get = (path: string) => request(h.server).get(path).set('Authorization', `Bearer ${h.tokens.viewer}`);

  it('creates a family (201) that reads back with no versions yet', async () => {
    const res = await post({ id: 'gemma-2b-sft', name: 'Gemma 2B SFT', modelType: 'ranking', description: 'LoRA runs', tags: ['llm'] }).expect(201);
    assert.equal(res.headers.location, '/api/families/gemma-2b-sft');
    assert.equal(res.body.latestVersion, 0);
    const detail = await get('/api/families/gemma-2b-sft').expect(200);
    assert.equal(detail.body.name, 'Gemma 2B SFT');
    assert.equal(detail.body.modelType, 'ranking');
    assert.deepEqual(detail.body.tags, ['llm']);
    assert.equal(detail.body.versionCount, 0);
    assert.equal(detail.body.latest, null);
  });

  it('names a family after its id when no name is given', async () => {
    const res = await post({ id: 'nameless', modelType: 'retrieval' }).expect(201);
    assert.equal(res.body.name, 'nameless');
  });

  it('answers 409 ALREADY_EXISTS for an id that is taken, leaving the family as it was', async () => {
    const res = await post({ id: 'gemma-2b-sft', modelType: 'retrieval' }).expect(409);
    assert.equal(res.body.error.code, 'ALREADY_EXISTS');
    assert.equal((await get('/api/families/gemma-2b-sft').expect(200)).body.modelType, 'ranking');
  });

  it('answers 403 to a viewer creating a family', async () => {
    const res = await post({ id: 'viewer-made', modelType: 'retrieval' }, h.tokens.viewer).expect(403);
    assert.equal(res.body.error.code, 'FORBIDDEN');
    await get('/api/families/viewer-made').expect(404);
  });

  it('answers 400 with field paths for a bad id, a missing model type or an unknown field', async () => {
    const res = await post({ id: 'Not A Slug', color: 'red' }).expect(400);
    assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path).sort(), ['body', 'body.id', 'body.modelType']);
  });

  it('counts versions and shows the latest once versions are promoted', async () => {
    await post({ id: 'counted', modelType: 'retrieval' }).expect(201);
    for (const n of [1, 2]) {
      await h.upload(`counted/${n}`, peftAdapter(`counted-${n}`));
      await h.promote('counted', { gcsPrefix: `gs://${PUSHES}/counted/${n}` }).expect(201);
    }
    const detail = await get('/api/families/counted').expect(200);
    assert.equal(detail.body.versionCount, 2);
    assert.equal(detail.body.latestVersion, 2);
    assert.equal(detail.body.latest.id, 'counted-v2');
    assert.equal(detail.body.latest.status, 'pending'); // no metrics.json: blessing unknown
  });

  it('lists families by id, a page at a time, with a cursor that ends', async () => {
    for (const id of ['page-c', 'page-a', 'page-e', 'page-b', 'page-d']) await post({ id, modelType: 'hybrid' }).expect(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await get(`/api/families?page_size=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      seen.push(...res.body.items.map((f: { id: string }) => f.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(seen, ['counted', 'gemma-2b-sft', 'nameless', 'page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
    assert.equal(pages, 3);
  });

  it('answers 400 on query.cursor for a cursor it did not issue, and 404 for an unknown family', async () => {
    const res = await get('/api/families?cursor=bogus').expect(400);
    assert.equal(res.body.error.fields[0].path, 'query.cursor');
    assert.equal((await get('/api/families/nope').expect(404)).body.error.code, 'NOT_FOUND');
  });
});
