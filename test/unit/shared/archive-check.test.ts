import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ARCHIVE_SCHEMA } from '../../../shared/domain/archive-manifest';
import { checkArchive, type ArchivedEntry } from '../../../shared/domain/archive-check';
import { canonicalManifest, type ManifestEntry } from '../../../shared/domain/manifest';

const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function archive(files: Record<string, string>) {
  const listed: ManifestEntry[] = Object.entries(files).map(([path, body]) => ({ path, size: Buffer.byteLength(body), sha256: hex(body), contentType: null }));
  const manifest = { schema: ARCHIVE_SCHEMA, versionId: 'fam-v1', manifestDigest: `sha256:${hex(canonicalManifest(listed))}`, files: listed };
  const entries: ArchivedEntry[] = [
    { name: 'manifest.json', size: 0, sha256: '' },
    ...Object.entries(files).map(([path, body]) => ({ name: `model/${path}`, size: Buffer.byteLength(body), sha256: hex(body) })),
  ];
  return { manifest, entries };
}

describe('checkArchive: a version ZIP against its own manifest', () => {
  it('accepts an archive whose every file matches the manifest', () => {
    const { manifest, entries } = archive({ 'saved_model.pb': 'graph', 'variables/variables.index': 'idx' });
    const check = checkArchive(JSON.stringify(manifest), entries, hex);
    assert.deepEqual(check, { ok: true, versionId: 'fam-v1', manifestDigest: manifest.manifestDigest, verifiedFiles: 2, problems: [] });
  });

  it('names a file whose bytes changed, one that is missing and one that was added', () => {
    const { manifest, entries } = archive({ a: 'one', b: 'two' });
    entries[1] = { ...entries[1]!, sha256: hex('tampered') };
    entries.splice(2, 1);
    entries.push({ name: 'model/extra', size: 1, sha256: hex('x') });
    const check = checkArchive(JSON.stringify(manifest), entries, hex);
    assert.equal(check.ok, false);
    assert.equal(check.verifiedFiles, 0);
    assert.deepEqual(check.problems.map((p) => p.split(':')[0]), ['a', 'b', 'model/extra']);
  });

  it('refuses a manifest whose file list does not hash to its digest', () => {
    const { manifest, entries } = archive({ a: 'one' });
    manifest.files[0]!.size = 99;
    entries[1]!.size = 99;
    const check = checkArchive(JSON.stringify(manifest), entries, hex);
    assert.equal(check.ok, false);
    assert.match(check.problems[0]!, /hashes to sha256:[0-9a-f]{64}, not the manifestDigest/);
  });

  it('says when there is no manifest, or it is not JSON', () => {
    assert.match(checkArchive(null, [], hex).problems[0]!, /no manifest\.json/);
    assert.match(checkArchive('{', [], hex).problems[0]!, /not JSON/);
  });
});
