import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isHashedAsset, serveStatic } from '../../../dev/static-files';

/** A raw GET (fetch would add Accept-Encoding and inflate). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

describe('static files of the local stack (dev/static-files.ts)', () => {
  let root: string;
  let server: Server;
  let base: string;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'static-files-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><script src="app-ABCD2345.js" defer></script>');
    writeFileSync(join(root, 'app-ABCD2345.js'), script);
    server = createServer((req, res) => serveStatic(root, req, res));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(root, { recursive: true, force: true });
  });

  it('recognises esbuild [name]-[hash] file names only', () => {
    assert.equal(isHashedAsset('app-ABCD2345.js'), true);
    assert.equal(isHashedAsset('docs-styles-Z2Y3X4W5.css'), true);
    assert.equal(isHashedAsset('index.html'), false);
    assert.equal(isHashedAsset('main.js'), false);
    assert.equal(isHashedAsset('app-abcd2345.js'), false);
  });

  it('lets browsers keep hashed assets for a year without revalidating', async () => {
    const res = await get(`${base}/app-ABCD2345.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.body.toString(), script);
  });

  it('revalidates the HTML every time: no-cache, with an ETag that a second visit turns into a 304', async () => {
    const first = await get(`${base}/`);
    assert.equal(first.headers['cache-control'], 'no-cache');
    assert.match(String(first.headers.etag), /^"[A-Za-z0-9_-]+"$/);
    const second = await get(`${base}/`, { 'if-none-match': String(first.headers.etag) });
    assert.equal(second.status, 304);
    assert.equal(second.body.byteLength, 0);
    writeFileSync(join(root, 'index.html'), '<!doctype html><p>rebuilt</p>');
    const rebuilt = await get(`${base}/`, { 'if-none-match': String(first.headers.etag) });
    assert.equal(rebuilt.status, 200);
    assert.equal(rebuilt.body.toString(), '<!doctype html><p>rebuilt</p>');
  });

  it('gzips text for clients that accept it, with Vary: Accept-Encoding', async () => {
    const res = await get(`${base}/app-ABCD2345.js`, { 'accept-encoding': 'gzip' });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers.vary, 'Accept-Encoding');
    assert.equal(Number(res.headers['content-length']), res.body.byteLength);
    assert.equal(gunzipSync(res.body).toString(), script);
  });

  it('answers paths it does not have with the HTML, not cached as an asset', async () => {
    const res = await get(`${base}/app-OLDHASH1.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(res.headers['content-type'] ?? '', /text\/html/);
  });
});
