import { invalidArgument } from './errors';

const DEFAULT_PAGE_SIZE = 100;

/** Pages a list: the page token is the offset of the next page (opaque to the client). */
export function paginate<T>(items: T[], pageSize: number | null | undefined, pageToken: string | null | undefined): { page: T[]; nextPageToken: string } {
  let offset = 0;
  if (pageToken) {
    offset = Number.parseInt(Buffer.from(pageToken, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(offset) || offset < 0) throw invalidArgument(`Invalid page token: ${pageToken}`);
  }
  const size = pageSize && pageSize > 0 ? pageSize : DEFAULT_PAGE_SIZE;
  const end = offset + size;
  return { page: items.slice(offset, end), nextPageToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : '' };
}

/** Reads one field of a resource for filters and order_by, by its snake_case API name (labels.k for a label). */
export type FieldReader<T> = (item: T, field: string) => string | number | undefined;

/**
 * Applies the subset of AIP-160 filters the registry uses: equality terms joined by AND
 * (`display_name="x" AND labels.family=y`, `!=` too). Anything else is refused rather than ignored.
 */
export function applyFilter<T>(items: T[], filter: string | null | undefined, read: FieldReader<T>): T[] {
  if (!filter?.trim()) return items;
  const terms = filter.split(/\s+AND\s+/).map((term) => {
    const match = /^\s*([a-z_]+(?:\.[\p{L}\p{N}_-]+)?)\s*(!=|=)\s*(?:"([^"]*)"|([^\s"]+))\s*$/u.exec(term);
    if (!match) throw invalidArgument(`Unsupported filter: ${filter}`);
    return { field: match[1]!, negate: match[2] === '!=', value: match[3] ?? match[4]! };
  });
  return items.filter((item) => terms.every(({ field, negate, value }) => (String(read(item, field) ?? '') === value) !== negate));
}

/** Sorts by an AIP-132 order_by such as `create_time desc, display_name`. */
export function applyOrder<T>(items: T[], orderBy: string | null | undefined, read: FieldReader<T>, sortable: string[]): T[] {
  if (!orderBy?.trim()) return items;
  const keys = orderBy.split(',').map((part) => {
    const [field = '', direction = 'asc', ...rest] = part.trim().split(/\s+/);
    if (!sortable.includes(field) || !['asc', 'desc'].includes(direction) || rest.length) {
      throw invalidArgument(`Unsupported order_by: ${orderBy}. Supported fields: ${sortable.join(', ')}.`);
    }
    return { field, sign: direction === 'desc' ? -1 : 1 };
  });
  return [...items].sort((a, b) => {
    for (const { field, sign } of keys) {
      const x = read(a, field) ?? '';
      const y = read(b, field) ?? '';
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return 0;
  });
}
