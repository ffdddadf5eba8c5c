import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, join, normalize, sep } from 'node:path';
import { encodeBytes, prepareReply, strongEtag, type ContentCoding } from '../functions/src/http/conditional-reply';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json',
};
const TEXT = new Set(['.html', '.js', '.css', '.json', '.svg', '.map']);

/** esbuild's `[name]-[hash]` (dashboard/build.ts): the name changes with the content, so it may be kept forever. */
export function isHashedAsset(path: string): boolean {
  return /-[A-Z0-9]{8,}\.(js|css)$/.test(basename(path));
}

/** Hashed assets are kept a year and never revalidated; anything else (the HTML) is revalidated every time. */
export function staticCacheControl(path: string): string {
  return isHashedAsset(path) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

interface CachedFile { mtimeMs: number; size: number; bytes: Buffer; etag: string; encoded: Map<ContentCoding, Buffer> }

/**
 * Compressed on the fly and kept per file (until it changes on disk) rather than precompressed at
 * build time: dashboard/dist stays exactly what is uploaded to the bucket (where `gcloud storage cp
 * --gzip-local-all` stores it gzipped), and the whole dist is a few files of tens of KB.
 */
const files = new Map<string, CachedFile>();

function load(path: string): CachedFile {
  const { mtimeMs, size } = statSync(path);
  const cached = files.get(path);
  if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached;
  const bytes = readFileSync(path);
  const file = { mtimeMs, size, bytes, etag: strongEtag(bytes), encoded: new Map<ContentCoding, Buffer>() };
  files.set(path, file);
  return file;
}

/**
 * Serves a built static site (the dashboard) for the local stack; unknown paths get index.html.
 * ETag/304 and gzip/br as the API does them (functions/src/http/conditional-reply.ts).
 */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = normalize(join(root, path));
  const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
  const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
  if (!existsSync(target)) {
    res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('The dashboard is not built.');
    return;
  }
  const cached = load(target);
  const ext = extname(target);
  const prepared = prepareReply(
    { method: req.method === 'HEAD' ? 'GET' : req.method ?? 'GET', ifNoneMatch: req.headers['if-none-match'], acceptEncoding: req.headers['accept-encoding'] },
    {
      status: 200, bytes: cached.bytes, compressible: TEXT.has(ext), etag: cached.etag,
      encode: (bytes, coding) => {
        let encoded = cached.encoded.get(coding);
        if (!encoded) cached.encoded.set(coding, encoded = encodeBytes(bytes, coding, true));
        return encoded;
      },
    },
  );
  const headers = { ...prepared.headers, 'cache-control': staticCacheControl(target), ...(prepared.status === 304 ? {} : { 'content-type': TYPES[ext] ?? 'application/octet-stream' }) };
  res.writeHead(prepared.status, headers).end(req.method === 'HEAD' ? undefined : prepared.body);
}
