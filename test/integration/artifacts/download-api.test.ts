import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { seedRegistry } from '../../../dev/demo/seed';
import { blobObjectName } from '../../../shared/domain/manifest';
import { makeRun, makeVersion } from '../../support/fixtures';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { PUSHES, REGISTRY, savedModel, startArtifactsHarness, type ArtifactsHarness } from './harness';
import { fixedArchiveDigest } from './fixed-archive';
import { readZip } from './zip-reader';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

describe('ZIP download and manifest API (GCS twin + Firestore emulator)', () => {
  let h: ArtifactsHarness;
  /** A version with a binary weights file, nested paths, an empty file and a training run with metrics. */
  let versionId: string;
  let files: Record<string, Buffer>;

  before(async () => {
    await (await sharedFirestoreEmulator()).reset();
    h = await startArtifactsHarness();
    await h.createFamily('zipped');
    await seedRegistry(h.db, { runs: [makeRun({ id: '90', runNumber: 90, familyId: 'zipped', runId: 'tr-90-20260601', name: 'zipped run', experimentId: 'exp-1' })] });
    files = {
      ...Object.fromEntries(Object.entries(savedModel('zip')).map(([k, v]) => [k, Buffer.from(v)])),
      'variables/variables.data-00000-of-00001': randomBytes(3 * 1024 * 1024 + 17),
      'assets/empty.txt': Buffer.alloc(0),
    };
    await h.upload('tr-90-20260601/pushed_model/1', files);
    await h.upload('tr-90-20260601', { 'metrics.json': JSON.stringify({ metrics: { recall_at_100: 0.9 }, blessed: true }) });
    versionId = (await h.promote('zipped', { trainingRunId: '90' }).expect(201)).body.id;
  });

  after(async () => {
    await h?.stop();
  });

  const download = (id: string) => fetch(`${h.url}/api/models/${id}/download`, { headers: { authorization: `Bearer ${h.tokens.viewer}` } });

  /** Reads a body until it ends or fails; says which. */
  async function drain(res: Response): Promise<{ bytes: Buffer; failed: boolean }> {
    const chunks: Buffer[] = [];
    const reader = res.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { bytes: Buffer.concat(chunks), failed: false };
        chunks.push(Buffer.from(value));
      }
    } catch {
      return { bytes: Buffer.concat(chunks), failed: true };
    }
  }

  /** Promotes a fresh one-off model whose weights blob the test then tampers with. */
  async function promoteVictim(name: string): Promise<{ id: string; weights: Buffer }> {
    const weights = randomBytes(256 * 1024);
    await h.upload(`victims/${name}`, { ...savedModel(name), 'variables/variables.data-00000-of-00001': weights });
    const id = (await h.promote('zipped', { gcsPrefix: `gs://${PUSHES}/victims/${name}` }).expect(201)).body.id;
    return { id, weights };
  }

  it('serves the same bytes on two downloads, as <version-id>.zip', async () => {
    const [first, second] = await Promise.all([download(versionId), download(versionId)]);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/zip');
    assert.equal(first.headers.get('content-disposition'), `attachment; filename="${versionId}.zip"`);
    const [a, b] = await Promise.all([drain(first), drain(second)]);
    assert.equal(a.failed || b.failed, false);
    assert.ok(a.bytes.length > 3 * 1024 * 1024);
    assert.ok(a.bytes.equals(b.bytes), 'two downloads differ');
  });

  it('serves the version an alias names (family@latest) as that version\'s ZIP', async () => {
    const [byId, byAlias] = await Promise.all([drain(await download(versionId)), drain(await download('zipped@latest'))]);
    assert.ok(byAlias.bytes.equals(byId.bytes));
  });

  it('holds manifest.json first and the files under model/, sorted, each matching the SHA-256 and size it lists', async () => {
    const entries = readZip((await drain(await download(versionId))).bytes);
    const names = entries.map((e) => e.name);
    assert.deepEqual(names, [...names].sort());
    assert.equal(names[0], 'manifest.json');
    const manifest = JSON.parse(entries[0]!.data.toString('utf8'));
    assert.deepEqual(names.slice(1), Object.keys(files).sort().map((p) => `model/${p}`));
    assert.equal(manifest.fileCount, Object.keys(files).length);
    for (const listed of manifest.files) {
      const entry = entries.find((e) => e.name === `model/${listed.path}`)!;
      assert.equal(entry.data.length, listed.size, listed.path);
      assert.equal(sha256(entry.data), listed.sha256, listed.path);
      assert.equal(listed.sha256, sha256(files[listed.path]!), listed.path);
    }
    const version = (await h.versionsOf('zipped')).find((v) => v.id === versionId)!;
    assert.equal(manifest.versionId, versionId);
    assert.equal(manifest.manifestDigest, version.artifacts.manifestDigest);
    assert.deepEqual(manifest.lineage, {
      trainingRunId: '90', experimentId: 'exp-1', sourceUri: `gs://${PUSHES}/tr-90-20260601/pushed_model/1`,
      metricsUri: `gs://${PUSHES}/tr-90-20260601/metrics.json`, registeredAt: version.registeredAt, registeredBy: 'editor@example.com',
    });
    assert.deepEqual(manifest.metrics, { recall_at_100: 0.9 });
  });

  it('stores every entry uncompressed with the same time (1980-01-01 00:00) and mode (0644)', async () => {
    const entries = readZip((await drain(await download(versionId))).bytes);
    for (const entry of entries) {
      assert.equal(entry.method, 0, entry.name);
      assert.equal(entry.dosDate, (0 << 9) | (1 << 5) | 1, entry.name);
      assert.equal(entry.dosTime, 0, entry.name);
      assert.equal(entry.externalAttributes >>> 16, 0o100644, entry.name);
    }
  });

  it('answers the manifest as JSON for the Artifacts tab', async () => {
    const res = await request(h.server).get(`/api/models/${versionId}/manifest`).set('Authorization', `Bearer ${h.tokens.viewer}`).expect(200);
    assert.equal(res.body.fileCount, Object.keys(files).length);
    assert.equal(res.body.format, 'tf_saved_model');
    assert.deepEqual(res.body.files.map((f: { path: string }) => f.path), Object.keys(files).sort());
    const weights = res.body.files.find((f: { path: string }) => f.path === 'variables/variables.data-00000-of-00001');
    assert.deepEqual(weights, { path: weights.path, size: files[weights.path]!.length, sha256: sha256(files[weights.path]!), contentType: weights.contentType });
  });

  it('answers 404 as JSON for an unknown version and for one without stored files', async () => {
    await seedRegistry(h.db, { versions: [makeVersion({ familyId: 'legacy', version: 1 })] });
    for (const path of ['/api/models/nope-v1/download', '/api/models/legacy-v1/download', '/api/models/legacy-v1/manifest']) {
      const res = await request(h.server).get(path).set('Authorization', `Bearer ${h.tokens.viewer}`).expect(404);
      assert.equal(res.body.error.code, 'NOT_FOUND', path);
    }
  });

  it('aborts the download when a blob no longer matches its SHA-256, never completing the corrupt entry', async () => {
    const { id, weights } = await promoteVictim('same-size');
    const corrupt = Buffer.from(weights);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1); // same size: only the hash can tell
    await h.storage.bucket(REGISTRY).file(blobObjectName(sha256(weights))).save(corrupt, { resumable: false });

    const res = await download(id);
    assert.equal(res.status, 200); // the archive had started streaming
    const { bytes, failed } = await drain(res);
    assert.equal(failed, true, 'the body ended normally');
    assert.throws(() => readZip(bytes), /not a complete ZIP/);
    assert.equal(bytes.includes(corrupt.subarray(corrupt.length - 64 * 1024)), false, 'the end of the corrupt blob was sent');
  });

  it('aborts the download when a blob has the wrong size or is missing', async () => {
    const shorter = await promoteVictim('shorter');
    await h.storage.bucket(REGISTRY).file(blobObjectName(sha256(shorter.weights))).save(shorter.weights.subarray(1), { resumable: false });
    const missing = await promoteVictim('missing');
    await h.storage.bucket(REGISTRY).file(blobObjectName(sha256(missing.weights))).delete();
    for (const id of [shorter.id, missing.id]) {
      const { bytes, failed } = await drain(await download(id));
      assert.equal(failed, true, id);
      assert.throws(() => readZip(bytes), /not a complete ZIP/, id);
    }
    // The API still serves other versions afterwards.
    assert.equal((await drain(await download(versionId))).failed, false);
  });
});

describe('ZIP archive bytes', () => {
  it('are the same whatever time zone the server runs in', async () => {
    const script = `require(${JSON.stringify(join(__dirname, 'fixed-archive.ts'))}).fixedArchiveDigest().then((d) => console.log(d));`;
    const inZone = (tz: string) => execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: join(__dirname, '../../..'), env: { ...process.env, TZ: tz }, encoding: 'utf8',
    }).trim().split('\n').pop();
    const here = await fixedArchiveDigest();
    assert.equal(inZone('Pacific/Kiritimati'), here); // UTC+14
    assert.equal(inZone('Pacific/Pago_Pago'), here); // UTC-11
  });
});
