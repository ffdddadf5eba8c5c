import { ValidationError } from '../errors';

/**
 * Opaque page cursors: the last row's sort value and id, bound to the sort they came from so that
 * a cursor reused with another sort is rejected instead of skipping rows.
 */
export interface CursorPosition {
  sort: string;
  value: string | number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, expectedSort: string, field = 'query.cursor'): CursorPosition {
  const invalid = (message: string) => new ValidationError([{ path: field, message }]);
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('is not a cursor returned by this API');
  }
  if (
    !Array.isArray(parsed) || parsed.length !== 3 ||
    typeof parsed[0] !== 'string' || typeof parsed[2] !== 'string' ||
    (typeof parsed[1] !== 'string' && typeof parsed[1] !== 'number')
  ) {
    throw invalid('is not a cursor returned by this API');
  }
  const [sort, value, id] = parsed as [string, string | number, string];
  // Ids are single path segments; anything else cannot have come from us (and would break the query).
  if (!/^[^/\u0000-\u001f]{1,1500}$/.test(id)) throw invalid('is not a cursor returned by this API');
  if (sort !== expectedSort) throw invalid(`was issued for sort '${sort}', not '${expectedSort}'`);
  return { sort, value, id };
}
