import assert from 'node:assert/strict';
import request from 'supertest';
import { PushRecord } from '../../../shared/schemas/push-record';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { startArtifactsHarness, type ArtifactsHarness } from './harness';

describe('pushes API: what became of each push (Firestore emulator)', () => {
  let h: ArtifactsHarness;

  const record = (runId: string, minute: number, over: Partial<PushRecord> = {}) => PushRecord.parse({
    id: `${runId}:1`, bucket: 'pushes', prefix: `${runId}/pushed_model/1`, objectName: `${runId}/pushed_model/1/saved_model.pb`,
    state: 'registered', versionId: `fam-v${minute}`, recordedAt: new Date(Date.UTC(2026, 11, 1, 0, minute)).toISOString(), ...over,
  });

  before(async () => {
    await (await sharedFirestoreEmulator()).reset();
    h = await startArtifactsHarness();
    const pushes = [
      record('run-a', 1),
      record('run-b', 2, { state: 'failed', versionId: null, code: 'UNKNOWN_FAMILY', message: 'no training run document and no family/model_type in metrics.json' }),
      record('run-c', 3),
    ];
    for (const p of pushes) await h.db.collection('pushes').doc(p.id).set(p);
  });

  after(async () => {
    await h?.stop();
  });

  const get = (path: string, token = h.tokens.editor) => request(h.server).get(path).set('Authorization', `Bearer ${token}`);

  it('lists pushes newest first, a page at a time', async () => {
    const first = await get('/api/pushes?page_size=2').expect(200);
    assert.deepEqual(first.body.items.map((p: PushRecord) => p.id), ['run-c:1', 'run-b:1']);
    assert.ok(first.body.nextCursor);
    const second = await get(`/api/pushes?page_size=2&cursor=${first.body.nextCursor}`).expect(200);
    assert.deepEqual(second.body.items.map((p: PushRecord) => p.id), ['run-a:1']);
    assert.equal(second.body.nextCursor, null);
  });

  it('says why a refused push was refused', async () => {
    const res = await get('/api/pushes/run-b:1').expect(200);
    assert.equal(res.body.state, 'failed');
    assert.equal(res.body.code, 'UNKNOWN_FAMILY');
    assert.match(res.body.message, /metrics\.json/);
  });

  it('answers 404 NOT_FOUND for a push it never saw, and 400 for a cursor of another list', async () => {
    assert.equal((await get('/api/pushes/run-z:9').expect(404)).body.error.code, 'NOT_FOUND');
    const foreign = Buffer.from(JSON.stringify(['id', 'x', 'y'])).toString('base64url');
    const res = await get(`/api/pushes?cursor=${foreign}`).expect(400);
    assert.equal(res.body.error.fields[0].path, 'query.cursor');
  });

  it('is for editors: a viewer is refused 403, a dot-dot id 400 before Firestore is asked', async () => {
    assert.equal((await get('/api/pushes', h.tokens.viewer).expect(403)).body.error.code, 'FORBIDDEN');
    const res = await get('/api/pushes/%2E%2E').expect(400);
    assert.equal(res.body.error.fields[0].path, 'params.pushId');
  });
});
