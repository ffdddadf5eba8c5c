import assert from 'node:assert/strict';
import { aliasNameProblem, parseVersionRef } from '../../../shared/domain/version-ref';

describe('version references', () => {
  const refs: [string, ReturnType<typeof parseVersionRef>][] = [
    ['recs-prod-v3', { kind: 'id', versionId: 'recs-prod-v3' }],
    ['recs-prod@v3', { kind: 'id', versionId: 'recs-prod-v3' }],
    ['recs-prod@3', { kind: 'id', versionId: 'recs-prod-v3' }],
    ['recs-prod@prod', { kind: 'alias', familyId: 'recs-prod', alias: 'prod' }],
    ['test_v1@latest', { kind: 'alias', familyId: 'test_v1', alias: 'latest' }],
    ['recs-prod', null],
    ['recs-prod@', null],
    ['recs-prod@Prod', null],
    ['recs-prod@v0', null],
    ['-bad@prod', null],
    ['a@b@c', null],
  ];
  for (const [ref, expected] of refs) {
    it(`reads '${ref}' as ${expected ? expected.kind : 'invalid'}`, () => {
      assert.deepEqual(parseVersionRef(ref), expected);
    });
  }

  it('accepts ordinary alias names and says why reserved or malformed ones are refused', () => {
    for (const name of ['prod', 'staging', 'canary-eu', 'a']) assert.equal(aliasNameProblem(name), null);
    assert.match(aliasNameProblem('latest')!, /automatically/);
    assert.match(aliasNameProblem('default')!, /Vertex/);
    assert.match(aliasNameProblem('v12')!, /version number/);
    assert.match(aliasNameProblem('Prod')!, /lowercase/);
    assert.match(aliasNameProblem('x'.repeat(64))!, /lowercase/);
  });
});
