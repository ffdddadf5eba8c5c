/**
 * HTTP caching of one reply, as RFC 9110/9111 describe it: a strong ETag over the bytes, 304 for a
 * matching If-None-Match, gzip or br by Accept-Encoding, and Vary merging. Pure (bytes in, status,
 * headers and bytes out), so the API front door and the local stack's static files share it.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import Negotiator from 'negotiator';

export type ContentCoding = 'br' | 'gzip' | 'identity';

/** Below this, compressing saves less than the headers it costs and a round of CPU. */
export const COMPRESS_MIN_BYTES = 1024;

/** A strong validator: the SHA-256 of the bytes, base64url, quoted. */
export function strongEtag(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`;
}

/**
 * The tag of one content-coding of a representation. A gzip body is other bytes than the identity
 * one, so a strong tag must differ with the coding (RFC 9110 §8.8.3); the suffix keeps it strong.
 */
export function etagForCoding(identityTag: string, coding: ContentCoding): string {
  return coding === 'identity' ? identityTag : `${identityTag.slice(0, -1)}-${coding}"`;
}

/** The entity tags an If-None-Match lists (`*` as itself); malformed members are left out. */
export function parseEntityTags(header: string): string[] {
  if (header.trim() === '*') return ['*'];
  // etagc excludes only DQUOTE (commas may sit inside a tag), so tags are read by their quotes.
  return [...header.matchAll(/(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/g)].map((m) => `${m[1] ?? ''}"${m[2]}"`);
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * Whether an If-None-Match names `current` (the tag of what would be sent), by the weak comparison
 * RFC 9110 §13.1.2 prescribes for it (`W/` ignored); `*` names any representation.
 */
export function matchesIfNoneMatch(header: string | undefined, current: string): boolean {
  if (!header) return false;
  return parseEntityTags(header).some((tag) => tag === '*' || opaque(tag) === opaque(current));
}

const CODINGS: readonly ContentCoding[] = ['br', 'gzip', 'identity'];
// negotiator's typings predate its `preferred` option (ties go to the server's order, not the client's).
type EncodingPicker = (available: readonly string[], opts: { preferred: readonly string[] }) => string | undefined;

/**
 * The coding to send for an Accept-Encoding (RFC 9110 §12.5.3), by negotiator: the highest q among
 * br, gzip and identity, br before gzip at equal q (smaller, and every browser that sends it decodes
 * it). No header: identity. Identity refused too (`identity;q=0` and nothing else): identity all the
 * same, which the RFC allows rather than a 406.
 */
export function negotiateCoding(header: string | undefined): ContentCoding {
  if (header === undefined) return 'identity';
  const negotiator = new Negotiator({ headers: { 'accept-encoding': header } });
  const pick = negotiator.encoding.bind(negotiator) as unknown as EncodingPicker;
  return (pick(CODINGS, { preferred: CODINGS }) as ContentCoding | undefined) ?? 'identity';
}

/**
 * The bytes in one coding. Per request, br at quality 5 and gzip at 6: most of the top levels' gain
 * at a small part of their CPU; `best` (bytes compressed once and kept) takes the top levels.
 */
export function encodeBytes(bytes: Uint8Array, coding: ContentCoding, best = false): Buffer {
  if (coding === 'gzip') return gzipSync(bytes, { level: best ? 9 : 6 });
  if (coding === 'br') {
    return brotliCompressSync(bytes, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: best ? zlib.BROTLI_MAX_QUALITY : 5, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
    });
  }
  return Buffer.from(bytes);
}

/** A Vary value with `fields` added once each (case-insensitively), keeping what is there. */
export function mergeVary(existing: string | number | readonly string[] | undefined, ...fields: string[]): string {
  const present = (existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)])
    .flatMap((v: string) => v.split(','))
    .map((v: string) => v.trim())
    .filter(Boolean);
  if (present.includes('*')) return '*';
  for (const field of fields) {
    if (!present.some((p: string) => p.toLowerCase() === field.toLowerCase())) present.push(field);
  }
  return present.join(', ');
}

export interface ConditionalRequest {
  method: string;
  ifNoneMatch?: string;
  acceptEncoding?: string;
}

export interface CacheableBody {
  status: number;
  bytes: Uint8Array;
  /** The coding is chosen only when compressing is worth it (text types, at least COMPRESS_MIN_BYTES). */
  compressible: boolean;
  /** A tag computed before (a static file's, kept with the file); computed from the bytes otherwise. */
  etag?: string;
  /** Compresses (or looks up compressed bytes); `encodeBytes` by default. */
  encode?: (bytes: Uint8Array, coding: Exclude<ContentCoding, 'identity'>) => Buffer;
}

export interface PreparedReply {
  status: number;
  /** Lower-case names. A 304 has no content-length or content-encoding (it carries no body). */
  headers: Record<string, string>;
  /** Empty on a 304. */
  body: Buffer;
}

/**
 * What to send for a body: GET 200s get an ETag and may become a 304 (same validators and Vary,
 * no body); compressible bodies over the threshold get `Vary: Accept-Encoding` and the negotiated
 * coding. Other statuses and methods are sent as they are (compressed when worth it).
 */
export function prepareReply(request: ConditionalRequest, reply: CacheableBody, vary?: string): PreparedReply {
  const headers: Record<string, string> = {};
  const varyOnCoding = reply.compressible && reply.bytes.byteLength >= COMPRESS_MIN_BYTES;
  const coding = varyOnCoding ? negotiateCoding(request.acceptEncoding) : 'identity';
  const nextVary = varyOnCoding ? mergeVary(vary, 'Accept-Encoding') : vary;
  if (nextVary) headers.vary = nextVary;

  if (request.method === 'GET' && reply.status === 200) {
    const identityTag = reply.etag ?? strongEtag(reply.bytes);
    headers.etag = etagForCoding(identityTag, coding);
    // Compared with the selected representation's tag only (RFC 9110 §13.1.2): a cache holding
    // several codings lists all their tags, and the 304 carries the tag the 200 would have.
    if (matchesIfNoneMatch(request.ifNoneMatch, headers.etag)) return { status: 304, headers, body: Buffer.alloc(0) };
  }
  const body = coding === 'identity' ? Buffer.from(reply.bytes) : (reply.encode ?? encodeBytes)(reply.bytes, coding);
  if (coding !== 'identity') headers['content-encoding'] = coding;
  headers['content-length'] = String(body.byteLength);
  return { status: reply.status, headers, body };
}
