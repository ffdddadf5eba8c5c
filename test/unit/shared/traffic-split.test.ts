import assert from 'node:assert/strict';
import { apportion, splitForDeploy, splitWithout, withDeployedId } from '../../../shared/domain/traffic-split';

const sum = (split: Record<string, number>) => Object.values(split).reduce((a, b) => a + b, 0);

describe('traffic splits', () => {
  it('gives the first model on an endpoint all traffic, whatever share was asked', () => {
    assert.deepEqual(splitForDeploy({}, 10), { '0': 100 });
  });

  it('gives a canary its share and keeps the others in proportion', () => {
    assert.deepEqual(splitForDeploy({ a: 100 }, 10), { a: 90, '0': 10 });
    assert.deepEqual(splitForDeploy({ a: 75, b: 25 }, 20), { a: 60, b: 20, '0': 20 });
    assert.deepEqual(splitForDeploy({ a: 50, b: 50 }, 100), { a: 0, b: 0, '0': 100 });
  });

  it('rounds to integers that still add up to 100 (largest remainder, ties to the smaller id)', () => {
    const split = splitForDeploy({ a: 1, b: 1, c: 1 }, 0);
    assert.deepEqual(split, { a: 34, b: 33, c: 33, '0': 0 });
    assert.equal(sum(apportion({ x: 1, y: 2, z: 4 }, 100)), 100);
    assert.deepEqual(apportion({ x: 0, y: 0 }, 100), { x: 50, y: 50 });
  });

  it('names the new model once Vertex AI has given it an id', () => {
    assert.deepEqual(withDeployedId({ a: 90, '0': 10 }, '42'), { a: 90, '42': 10 });
  });

  it('hands the share of a model leaving to the remaining ones, and needs no split when it had none', () => {
    assert.deepEqual(splitWithout({ a: 60, b: 30, c: 10 }, 'a', ['b', 'c']), { b: 75, c: 25 });
    assert.deepEqual(splitWithout({ a: 100, b: 0 }, 'a', ['b']), { b: 100 });
    assert.equal(splitWithout({ a: 0, b: 100 }, 'a', ['b']), null);
    assert.equal(splitWithout({ a: 100 }, 'a', []), null);
  });
});
