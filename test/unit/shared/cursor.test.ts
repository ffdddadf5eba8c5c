import assert from 'node:assert/strict';
import { decodeCursor, encodeCursor } from '../../../shared/domain/cursor';
import { ValidationError } from '../../../shared/errors';

describe('page cursors', () => {
  it('round-trip the position they encode', () => {
    const position = { sort: 'best', value: 2.5, id: 'recs-prod-v3' };
    assert.deepEqual(decodeCursor(encodeCursor(position), 'best'), position);
  });

  const bad = ['%%%', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2,3]').toString('base64url'), 'eyJ'];
  for (const cursor of bad) {
    it(`reject ${cursor} with a field path`, () => {
      assert.throws(() => decodeCursor(cursor, 'latest'), (e: unknown) => e instanceof ValidationError && e.fields[0]?.path === 'query.cursor');
    });
  }

  it('reject a cursor from another sort', () => {
    assert.throws(() => decodeCursor(encodeCursor({ sort: 'name', value: 'a', id: 'a-v1' }), 'latest'), ValidationError);
  });
});
