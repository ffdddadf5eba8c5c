/**
 * HTTP caching figures on the whole local stack with the demo registry: body bytes of a first
 * dashboard visit without compression, with gzip and with br; then a second visit replaying the
 * first one's requests with their ETags (If-None-Match), as a browser does for `no-cache` answers,
 * and how many come back 304. Hashed assets are `immutable`: the second visit does not ask for them.
 * Run alone with `npx tsx bench/http-cache.ts`. Nothing is asserted.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { startStack } from '../dev/stack';
import { isHashedAsset } from '../dev/static-files';

export interface HttpCacheRow {
  path: string;
  identityBytes: number;
  gzipBytes: number;
  brBytes: number;
  cacheControl: string;
  /** The second visit's answer: 304, 200, or null when it is not asked for (immutable). */
  secondVisitStatus: number | null;
  secondVisitBytes: number;
}

export interface HttpCacheBench {
  rows: HttpCacheRow[];
  firstVisit: { identityBytes: number; gzipBytes: number; brBytes: number };
  secondVisit: { requests: number; notModified: number; notModifiedRate: number; bytes: number; skipped: number };
}

/** What Chromium sends. */
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';

function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: body.byteLength, text: res.headers['content-encoding'] ? '' : body.toString() });
      });
    }).on('error', reject).end();
  });
}

export async function benchHttpCache(): Promise<HttpCacheBench> {
  const savedHost = process.env.FIRESTORE_EMULATOR_HOST;
  const stack = await startStack({ port: 0, dataDir: null, demo: true });
  try {
    const auth = { authorization: `Bearer ${await stack.token('viewer')}` };
    const index = await get(`${stack.url}/`, {});
    const assets = [...index.text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => `/${m[1]}`);
    // The dashboard's first visit: the page, its two files, then its three calls before the first paint.
    const paths = ['/', ...assets, '/api/models/summary', '/api/training-schedules/calendar?weeks_past=10&weeks_future=30&tz=UTC', '/api/models?sort=latest'];
    const rows: HttpCacheRow[] = [];
    for (const path of paths) {
      const headers = path.startsWith('/api') ? auth : {};
      const identity = await get(`${stack.url}${path}`, headers);
      if (identity.status !== 200) throw new Error(`GET ${path} answered ${identity.status}`);
      const gzip = await get(`${stack.url}${path}`, { ...headers, 'accept-encoding': 'gzip' });
      const br = await get(`${stack.url}${path}`, { ...headers, 'accept-encoding': BROWSER_ENCODINGS });
      const immutable = isHashedAsset(path) && String(br.headers['cache-control']).includes('immutable');
      const second = immutable ? null : await get(`${stack.url}${path}`, { ...headers, 'accept-encoding': BROWSER_ENCODINGS, 'if-none-match': String(br.headers.etag) });
      rows.push({
        path, identityBytes: identity.bytes, gzipBytes: gzip.bytes, brBytes: br.bytes, cacheControl: String(br.headers['cache-control']),
        secondVisitStatus: second?.status ?? null, secondVisitBytes: second?.bytes ?? 0,
      });
    }
    const sum = (f: (r: HttpCacheRow) => number) => rows.reduce((n, r) => n + f(r), 0);
    const asked = rows.filter((r) => r.secondVisitStatus !== null);
    const notModified = asked.filter((r) => r.secondVisitStatus === 304).length;
    return {
      rows,
      firstVisit: { identityBytes: sum((r) => r.identityBytes), gzipBytes: sum((r) => r.gzipBytes), brBytes: sum((r) => r.brBytes) },
      secondVisit: {
        requests: asked.length, notModified, notModifiedRate: asked.length ? Math.round((notModified / asked.length) * 1000) / 1000 : 0,
        bytes: sum((r) => r.secondVisitBytes), skipped: rows.length - asked.length,
      },
    };
  } finally {
    await stack.stop();
    if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
  }
}

export function httpCacheSection(r: HttpCacheBench): string {
  const kb = (n: number) => (n / 1024).toFixed(1);
  return [
    '## HTTP caching: a dashboard visit, then a second one (demo registry, body bytes)', '',
    '| GET | Cache-Control | identity KB | gzip KB | br KB | second visit |', '| --- | --- | ---: | ---: | ---: | --- |',
    ...r.rows.map((x) => `| \`${x.path}\` | ${x.cacheControl} | ${kb(x.identityBytes)} | ${kb(x.gzipBytes)} | ${kb(x.brBytes)} | ${x.secondVisitStatus === null ? 'not asked (immutable)' : `${x.secondVisitStatus}, ${x.secondVisitBytes} B`} |`),
    `| **first visit** | | ${kb(r.firstVisit.identityBytes)} | ${kb(r.firstVisit.gzipBytes)} | ${kb(r.firstVisit.brBytes)} | |`,
    '',
    `Second visit: ${r.secondVisit.notModified} of ${r.secondVisit.requests} revalidations answered 304 (${(r.secondVisit.notModifiedRate * 100).toFixed(0)} %), ${r.secondVisit.bytes} body bytes in all; ${r.secondVisit.skipped} hashed files not asked for. The br column is what Chromium's Accept-Encoding gets.`, '',
  ].join('\n');
}

if (require.main === module) {
  process.env.METADATA_SERVER_DETECTION = 'none';
  benchHttpCache().then((r) => {
    console.log(httpCacheSection(r));
    process.exit(0);
  }, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
