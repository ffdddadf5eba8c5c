import type { FileHandle } from 'node:fs/promises';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { TwinContext } from './context';
import { rangeNotSatisfiable, serviceUnavailable } from './errors';
import type { TwinRequest } from './http';
import { objectEtag, type ObjectRecord } from './object-record';
import { checkRead, readPreconditions } from './preconditions';

interface ByteRange {
  start: number;
  end: number; // inclusive
}

/** `?alt=media`: streams an object's bytes, honouring a single `Range` and GCS's hash headers. */
export async function downloadMedia(ctx: TwinContext, { req, res, params, query }: TwinRequest): Promise<void> {
  if (ctx.faults.takeReadFault()) throw serviceUnavailable();
  const broken = ctx.faults.takeBrokenRead();
  const { record, file } = await openLive(ctx, params.bucket ?? '', params.object ?? '', query);
  try {
    const size = Number(record.size);
    // Decompressive transcoding: gzip-stored objects are served inflated to clients that do not accept gzip,
    // unless Cache-Control says no-transform (what gcloud's `cp -Z` sets): then GCS serves the stored bytes.
    const transcode = record.contentEncoding === 'gzip' && !acceptsGzip(req.headers) && !/\bno-transform\b/i.test(record.cacheControl ?? '');
    const range = transcode ? undefined : parseRange(req.headers.range, size);
    const headers: OutgoingHttpHeaders = {
      'content-type': record.contentType,
      'x-goog-hash': record.md5Hash ? `crc32c=${record.crc32c},md5=${record.md5Hash}` : `crc32c=${record.crc32c}`,
      'x-goog-generation': record.generation,
      'x-goog-metageneration': record.metageneration,
      'x-goog-stored-content-length': record.size,
      'x-goog-stored-content-encoding': record.contentEncoding ?? 'identity',
      'x-goog-storage-class': record.storageClass,
      etag: `"${objectEtag(record)}"`,
      'last-modified': new Date(record.updated).toUTCString(),
      'accept-ranges': 'bytes',
      ...optional('cache-control', record.cacheControl),
      ...optional('content-disposition', record.contentDisposition),
      ...optional('content-language', record.contentLanguage),
      ...optional('content-encoding', transcode ? undefined : record.contentEncoding),
    };
    const body = file.createReadStream(range ? { start: range.start, end: range.end } : {});
    if (broken) {
      await sendHalfThenReset(res, range ? 206 : 200, headers, body, range ? range.end - range.start + 1 : size);
    } else if (transcode) {
      res.writeHead(200, headers);
      await pipeline(body, createGunzip(), res);
    } else if (range) {
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${range.start}-${range.end}/${size}`,
        'content-length': String(range.end - range.start + 1),
      });
      await pipeline(body, res);
    } else {
      res.writeHead(200, { ...headers, 'content-length': record.size });
      await pipeline(body, res);
    }
  } finally {
    await file.close().catch(() => undefined); // the read stream may have closed it already
  }
}

/** A connection lost mid-download: the promised length, half of the bytes, then a reset. */
async function sendHalfThenReset(res: TwinRequest['res'], status: number, headers: OutgoingHttpHeaders, body: NodeJS.ReadableStream, length: number): Promise<void> {
  res.writeHead(status, { ...headers, 'content-length': String(length) });
  let left = Math.floor(length / 2);
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (left <= 0) break;
    const part = chunk.subarray(0, left);
    left -= part.length;
    if (!res.write(part)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.destroy();
}

/** The live object and its open bytes; retried because an overwrite may replace the file between the two. */
async function openLive(ctx: TwinContext, bucket: string, name: string, query: URLSearchParams): Promise<{ record: ObjectRecord; file: FileHandle }> {
  for (let attempt = 1; ; attempt++) {
    const record = ctx.store.get(bucket, name, query.get('generation'));
    checkRead(readPreconditions(query), record);
    try {
      return { record, file: await ctx.store.openData(record) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw err;
    }
  }
}

function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  return /\bgzip\b/i.test(headers['accept-encoding'] ?? '');
}

function optional(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}

/**
 * One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; anything else (several ranges, bad syntax) is ignored
 * and the whole object is served, as RFC 9110 allows. Throws 416 when the range starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || size === 0) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw rangeNotSatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) throw rangeNotSatisfiable(size);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}
