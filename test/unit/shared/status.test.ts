import assert from 'node:assert/strict';
import { deriveStatus, STATUS_BADGES } from '../../../shared/domain/status';

describe('deriveStatus', () => {
  const cases: [boolean | null, boolean, string][] = [
    [true, true, 'deployed'],
    [false, true, 'deployed'], // force-deployed: serving wins
    [null, true, 'deployed'],
    [true, false, 'idle'],
    [false, false, 'not_blessed'],
    [null, false, 'pending'],
  ];
  for (const [blessed, deployed, expected] of cases) {
    it(`is ${expected} when blessed=${blessed} and deployed=${deployed}`, () => {
      assert.equal(deriveStatus({ blessed, deployed }), expected);
    });
  }

  it('labels badges as the seed does', () => {
    assert.equal(STATUS_BADGES.not_blessed, 'NOT BLESSED');
  });
});
