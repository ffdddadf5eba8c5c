import { invalid } from './errors';

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  maxResults?: number;
  pageToken?: string;
  startOffset?: string;
  endOffset?: string;
}

export interface ListPage<T> {
  items: T[];
  prefixes: string[];
  nextPageToken?: string;
}

const PAGE_LIMIT = 1000;

/** Where the next page resumes: after a name, or after every name under a returned prefix. */
interface Cursor {
  after: string;
  prefix?: boolean;
}

/**
 * One page of a bucket listing, in name order (UTF-16 order, which matches GCS's byte order except for
 * astral-plane characters). As in GCS, maxResults counts items and prefixes together.
 */
export function listPage<T>(objects: ReadonlyMap<string, T>, options: ListOptions): ListPage<T> {
  const prefix = options.prefix ?? '';
  const delimiter = options.delimiter || undefined;
  const limit = Math.min(Math.max(options.maxResults ?? PAGE_LIMIT, 1), PAGE_LIMIT);
  const cursor = options.pageToken ? decodeCursor(options.pageToken) : undefined;

  const entries: ({ item: T; name: string } | { prefix: string })[] = [];
  let lastPrefix: string | undefined;
  for (const name of [...objects.keys()].sort()) {
    if (!name.startsWith(prefix)) continue;
    if (options.startOffset !== undefined && name < options.startOffset) continue;
    if (options.endOffset !== undefined && name >= options.endOffset) continue;
    if (cursor && (name <= cursor.after || (cursor.prefix && name.startsWith(cursor.after)))) continue;
    const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    if (delimiter && cut >= 0) {
      const folded = name.slice(0, cut + delimiter.length);
      if (folded === lastPrefix) continue;
      entries.push({ prefix: folded });
      lastPrefix = folded;
    } else {
      entries.push({ item: objects.get(name) as T, name });
    }
    if (entries.length > limit) break; // one look-ahead entry tells whether another page exists
  }

  const page = entries.slice(0, limit);
  const last = page[page.length - 1];
  const hasMore = entries.length > limit && last !== undefined;
  return {
    items: page.flatMap((e) => ('item' in e ? [e.item] : [])),
    prefixes: page.flatMap((e) => ('prefix' in e ? [e.prefix] : [])),
    nextPageToken: hasMore ? encodeCursor('prefix' in last ? { after: last.prefix, prefix: true } : { after: last.name }) : undefined,
  };
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(token: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (typeof cursor.after === 'string') return cursor;
  } catch {
    /* answered below */
  }
  throw invalid('Invalid pageToken.');
}
