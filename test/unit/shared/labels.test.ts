import assert from 'node:assert/strict';
import { sanitizeLabelKey, sanitizeLabelValue, sanitizeLabels } from '../../../shared/domain/labels';
import { familyOfVersionId, versionDisplayName, versionId } from '../../../shared/domain/display-name';

describe('GCP label sanitizing (seed bug #2)', () => {
  const cases: [unknown, string][] = [
    ['Retrieval', 'retrieval'],
    [true, 'true'],
    ['My Model/V2', 'my_model_v2'],
    ['__x', 'x'],
    ['Zürich', 'zurich'],
    ['a'.repeat(80), 'a'.repeat(63)],
  ];
  for (const [input, expected] of cases) {
    it(`turns ${JSON.stringify(input).slice(0, 20)} into ${expected.slice(0, 20)}`, () => {
      assert.equal(sanitizeLabelValue(input), expected);
      assert.match(sanitizeLabelValue(input), /^[a-z0-9_-]{0,63}$/);
    });
  }

  it('makes keys start with a letter and drops empty values', () => {
    assert.equal(sanitizeLabelKey('1st'), 'k_1st');
    assert.deepEqual(sanitizeLabels({ Model_Type: 'Ranking', blessed: false, skip: null }), { model_type: 'ranking', blessed: 'false' });
  });
});

describe('version naming (seed bug #5)', () => {
  it("prefers the run's name and falls back to <family>-v<run number>", () => {
    assert.equal(versionDisplayName({ name: 'chern_rank_v1', runNumber: 11 }, 'test_v1'), 'chern_rank_v1');
    assert.equal(versionDisplayName({ name: '  ', runNumber: 11 }, 'test_v1'), 'test_v1-v11');
    assert.equal(versionId('recs-prod', 3), 'recs-prod-v3');
  });

  it('reads the family back out of a version id, even one whose family ends in -v<n>', () => {
    assert.equal(familyOfVersionId('recs-prod-v3'), 'recs-prod');
    assert.equal(familyOfVersionId(versionId('ranker-v2', 11)), 'ranker-v2');
    assert.equal(familyOfVersionId('recs-prod'), null);
  });
});
