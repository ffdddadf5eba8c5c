import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startStack, type Stack } from '../../../dev/stack';
import { demoModelFiles } from '../../../dev/demo/demo-model';
import { readZip } from '../artifacts/zip-reader';

interface Version {
  id: string; familyId: string; version: number; aliases: string[]; inputExample: { instances: unknown[] } | null;
  artifacts: { manifestDigest: string | null; sizeBytes: number; fileCount: number }; signature: { state: string } | null;
}

describe('the demo registry of npm start, whole as registrations leave it', () => {
  let stack: Stack;
  let savedHost: string | undefined;
  let token: string;
  const get = async (path: string) => fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const json = async <T>(path: string): Promise<T> => {
    const res = await get(path);
    assert.equal(res.status, 200, `GET ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  let versions: Version[];

  before(async function () {
    this.timeout(60_000);
    savedHost = process.env.FIRESTORE_EMULATOR_HOST;
    stack = await startStack({ port: 0, dataDir: null, demo: true, buildDashboard: false });
    token = await stack.token('viewer');
    versions = (await json<{ items: Version[] }>('/api/models?page_size=100')).items;
  });

  after(async () => {
    await stack?.stop();
    if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
  });

  it('points each family\'s latest alias at its newest version, with one history entry per registration', async () => {
    const families = [...new Set(versions.map((v) => v.familyId))];
    assert.equal(families.length, 5);
    for (const familyId of families) {
      const newest = Math.max(...versions.filter((v) => v.familyId === familyId).map((v) => v.version));
      assert.equal((await json<Version>(`/api/models/${familyId}@latest`)).id, `${familyId}-v${newest}`);
      const { aliases, history } = await json<{ aliases: { alias: string; version: number }[]; history: unknown[] }>(`/api/families/${familyId}/aliases`);
      assert.deepEqual(aliases.map((a) => [a.alias, a.version]), [['latest', newest]]);
      assert.equal(history.length, newest);
    }
    assert.deepEqual(versions.filter((v) => v.aliases.includes('latest')).map((v) => v.id).sort(), families.map((f) => versions.filter((v) => v.familyId === f).sort((a, b) => b.version - a.version)[0]!.id).sort());
    const vertexLatest = stack.vertex.models().flatMap((m) => m.versions.filter((v) => v.versionAliases?.includes('latest')));
    assert.equal(vertexLatest.length, families.length, 'latest is mirrored to Vertex AI too');
  });

  it('downloads every demo version, signed before the stack answered, as a ZIP of the files its manifest names and model.sig', async () => {
    const shas = new Set(versions.flatMap((_, i) => demoModelFiles(i + 1)).map((f) => createHash('sha256').update(f.bytes).digest('hex')));
    for (const version of versions) {
      assert.equal(version.signature?.state, 'signed', `${version.id} signed by the minute job's first run`);
      assert.ok(version.inputExample?.instances.length, `${version.id} ships an input example`);
      shas.add(createHash('sha256').update(JSON.stringify(version.inputExample, null, 2)).digest('hex'));
      const { files } = await json<{ files: { path: string; size: number; sha256: string }[] }>(`/api/models/${version.id}/manifest`);
      assert.equal(files.length, version.artifacts.fileCount);
      assert.equal(files.reduce((sum, f) => sum + f.size, 0), version.artifacts.sizeBytes);
      const res = await get(`/api/models/${version.id}/download`);
      assert.equal(res.status, 200, `download of ${version.id}`);
      const entries = readZip(Buffer.from(await res.arrayBuffer()));
      assert.deepEqual(entries.map((e) => e.name).sort(), ['manifest.json', 'model.sig', ...files.map((f) => `model/${f.path}`)].sort());
      for (const entry of entries.filter((e) => e.name.startsWith('model/'))) {
        assert.ok(shas.has(createHash('sha256').update(entry.data).digest('hex')), entry.name);
      }
    }
  });
});
