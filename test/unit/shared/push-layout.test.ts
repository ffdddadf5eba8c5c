import assert from 'node:assert/strict';
import { parsePushedObject, trainingRunIdOf } from '../../../shared/domain/push-layout';

describe('pushed object layout', () => {
  it('parses <run_id>/pushed_model/<n>/<path>', () => {
    assert.deepEqual(parsePushedObject('tr-47-20260121/pushed_model/1769254066/variables/variables.index'), {
      runId: 'tr-47-20260121', versionDir: '1769254066', prefix: 'tr-47-20260121/pushed_model/1769254066',
      relativePath: 'variables/variables.index',
    });
  });

  const outside = [
    'tr-47-20260121/metrics.json',
    'tr-47-20260121/pushed_model/saved_model.pb', // unversioned: bug #3
    'tr-47-20260121/pushed_model/abc/saved_model.pb',
    'tr-47/pushed_model/1/../../etc/passwd',
    '/abs/pushed_model/1/x',
    'tr-1/pushed_model/1/a//b',
    'tr-1/pushed_model/1/bad\u0000name',
    '../x/pushed_model/1/saved_model.pb',
    'tr-1/pushed_model/1/',
  ];
  for (const name of outside) {
    it(`ignores ${JSON.stringify(name)}`, () => assert.equal(parsePushedObject(name), null));
  }

  it("extracts the training run id from seed 000's run ids", () => {
    assert.equal(trainingRunIdOf('tr-47-20260121'), '47');
    assert.equal(trainingRunIdOf('my-own-run'), null);
  });
});
