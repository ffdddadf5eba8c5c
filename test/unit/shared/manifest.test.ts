import assert from 'node:assert/strict';
import { blobObjectName, canonicalManifest, manifestObjectName, type ManifestEntry } from '../../../shared/domain/manifest';
import { classifyPushedObject } from '../../../shared/domain/push-event';

const SHA = 'a'.repeat(64);
const entry = (path: string): ManifestEntry => ({ path, size: 1, sha256: SHA, contentType: null });

describe('content-addressed manifest', () => {
  it('serializes the same files to the same bytes whatever order they were listed in', () => {
    const a = canonicalManifest([entry('variables/variables.index'), entry('saved_model.pb'), entry('assets/vocab.txt')]);
    const b = canonicalManifest([entry('assets/vocab.txt'), entry('variables/variables.index'), entry('saved_model.pb')]);
    assert.equal(a, b);
    assert.deepEqual(JSON.parse(a).map((e: ManifestEntry) => e.path), ['assets/vocab.txt', 'saved_model.pb', 'variables/variables.index']);
  });

  it('keeps keys in a fixed order, so that extra properties or key order cannot change the digest', () => {
    const shuffled = { contentType: null, sha256: SHA, extra: 1, size: 1, path: 'x' } as ManifestEntry;
    assert.equal(canonicalManifest([shuffled]), `[{"path":"x","size":1,"sha256":"${SHA}","contentType":null}]`);
  });

  it('names blobs and manifests by digest, and refuses anything that is not a SHA-256', () => {
    assert.equal(blobObjectName(SHA), `blobs/sha256/${SHA}`);
    assert.equal(manifestObjectName(`sha256:${SHA}`), `manifests/sha256/${SHA}.json`);
    assert.throws(() => blobObjectName('../../etc/passwd'));
    assert.throws(() => manifestObjectName('sha256:xyz'));
  });
});

describe('finalized object classification', () => {
  const cases: [string, string][] = [
    ['tr-47-20260121/pushed_model/1769254066/saved_model.pb', 'pushed'],
    ['tr-47-20260121/metrics.json', 'outside'],
    ['docs/readme.md', 'outside'],
    ['tr-47-20260121/pushed_model/', 'outside'],
    ['tr-47-20260121/pushed_model/1769254066/', 'outside'],
    ['tr-47-20260121/pushed_model/saved_model.pb', 'malformed'],
    ['tr-47-20260121/pushed_model/latest/saved_model.pb', 'malformed'],
    ['tr-47-20260121/pushed_model/1/../../x', 'malformed'],
  ];
  for (const [name, kind] of cases) {
    it(`classifies ${JSON.stringify(name)} as ${kind}`, () => assert.equal(classifyPushedObject(name).kind, kind));
  }
});
