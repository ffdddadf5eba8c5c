import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allQueryShapes, indexKey, requiredIndex, type CompositeIndex,
} from '../../../functions/src/adapters/firestore/index-spec';
import { listShape } from '../../../functions/src/adapters/firestore/version-queries';

const declared: { indexes: CompositeIndex[] } = JSON.parse(readFileSync(join(__dirname, '../../../firestore.indexes.json'), 'utf8'));
const declaredKeys = new Set(declared.indexes.map(indexKey));

function missingIndexes(keys: Set<string>): string[] {
  return allQueryShapes()
    .map(requiredIndex)
    .filter((i): i is CompositeIndex => i !== null)
    .map(indexKey)
    .filter((k) => !keys.has(k));
}

describe('firestore.indexes.json', () => {
  it('has a composite index for every query shape the code runs', () => {
    assert.deepEqual(missingIndexes(declaredKeys), [], 'run `npm run indexes` to regenerate');
  });

  it('would fail if any one index were missing', () => {
    for (const key of declaredKeys) {
      const without = new Set(declaredKeys);
      without.delete(key);
      assert.deepEqual([...new Set(missingIndexes(without))], [key]);
    }
  });

  it('declares no index the code does not use', () => {
    const needed = new Set(allQueryShapes().map(requiredIndex).filter((i): i is CompositeIndex => i !== null).map(indexKey));
    assert.deepEqual([...declaredKeys].filter((k) => !needed.has(k)), []);
  });

  it('needs an index for search + filter + sort, and none for a single equality', () => {
    const search = requiredIndex(listShape({ modelType: 'ranking', status: 'idle', sort: 'best', searchToken: 'ab' }));
    assert.deepEqual(search?.fields.map((f) => f.fieldPath), ['archived', 'modelType', 'status', 'searchTokens', 'bestScore']);
    assert.equal(requiredIndex({ collection: 'versions', equalities: [{ field: 'archived', value: false }], arrayContains: null, order: null }), null);
  });
});
