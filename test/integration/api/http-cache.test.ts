import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startStack, type Stack } from '../../../dev/stack';

interface RawAnswer { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** One request as given: no Accept-Encoding unless set, no inflating (unlike fetch). */
function send(url: string, method: string, headers: Record<string, string> = {}, body?: unknown): Promise<RawAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    request(url, { method, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end(payload);
  });
}

const varyOf = (a: RawAnswer) => String(a.headers.vary ?? '').split(',').map((v) => v.trim().toLowerCase());

describe('HTTP caching on the local stack (ETag, 304, Cache-Control, compression, hashed assets)', () => {
  let stack: Stack;
  let savedHost: string | undefined;
  let viewer: Record<string, string>;
  let editor: Record<string, string>;
  let familyId: string;
  const get = (path: string, headers: Record<string, string> = {}) => send(`${stack.url}${path}`, 'GET', { ...viewer, ...headers });

  before(async function () {
    this.timeout(120_000);
    savedHost = process.env.FIRESTORE_EMULATOR_HOST;
    stack = await startStack({ port: 0, dataDir: null, demo: true });
    viewer = { authorization: `Bearer ${await stack.token('viewer')}` };
    editor = { authorization: `Bearer ${await stack.token('editor')}` };
    const models = JSON.parse((await get('/api/models?page_size=1')).body.toString()) as { items: { familyId: string }[] };
    familyId = models.items[0]!.familyId;
  });

  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
    if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
  });

  describe('API', () => {
    it('tags an authenticated GET, private and revalidated, varying on Authorization', async () => {
      const res = await get('/api/models/summary');
      assert.equal(res.status, 200);
      assert.match(String(res.headers.etag), /^"[A-Za-z0-9_-]{43}"$/);
      assert.equal(res.headers['cache-control'], 'private, no-cache');
      assert.ok(varyOf(res).includes('authorization'), `Vary: ${res.headers.vary}`);
      assert.ok(JSON.parse(res.body.toString()).total > 0);
    });

    it('answers the same GET with its ETag in If-None-Match 304, with no body', async () => {
      const first = await get('/api/models/summary');
      const again = await get('/api/models/summary', { 'if-none-match': String(first.headers.etag) });
      assert.equal(again.status, 304);
      assert.equal(again.body.byteLength, 0);
      assert.equal(again.headers.etag, first.headers.etag);
      assert.equal(again.headers['cache-control'], 'private, no-cache');
    });

    it('answers 200 with a new ETag once a change (an alias move) altered the answer, and the change itself is no-store', async () => {
      const path = `/api/families/${familyId}/aliases`;
      const before = await get(path);
      assert.equal((await get(path, { 'if-none-match': String(before.headers.etag) })).status, 304);
      const move = await send(`${stack.url}${path}/http-cache`, 'PUT', editor, { version: 1, reason: 'http cache test' });
      assert.equal(move.status, 200, move.body.toString());
      assert.equal(move.headers['cache-control'], 'no-store');
      assert.equal(move.headers.etag, undefined);
      const after = await get(path, { 'if-none-match': String(before.headers.etag) });
      assert.equal(after.status, 200);
      assert.notEqual(after.headers.etag, before.headers.etag);
      const body = JSON.parse(after.body.toString()) as { aliases: { alias: string; version: number }[] };
      assert.deepEqual(body.aliases.find((a) => a.alias === 'http-cache')?.version, 1);
    });

    it('gzips or brotli-compresses a large JSON answer by Accept-Encoding, decoding to the same bytes', async () => {
      const plain = await get('/api/models?page_size=100');
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.ok(plain.body.byteLength > 1024);
      const gzip = await get('/api/models?page_size=100', { 'accept-encoding': 'gzip' });
      assert.equal(gzip.headers['content-encoding'], 'gzip');
      assert.equal(Number(gzip.headers['content-length']), gzip.body.byteLength);
      assert.ok(gzip.body.byteLength < plain.body.byteLength);
      assert.deepEqual(gunzipSync(gzip.body), plain.body);
      assert.ok(varyOf(gzip).includes('accept-encoding') && varyOf(gzip).includes('authorization'), `Vary: ${gzip.headers.vary}`);
      const br = await get('/api/models?page_size=100', { 'accept-encoding': 'gzip, deflate, br' });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.deepEqual(brotliDecompressSync(br.body), plain.body);
      assert.equal((await get('/api/models?page_size=100', { 'accept-encoding': 'gzip', 'if-none-match': String(gzip.headers.etag) })).status, 304);
    });

    it('lets any cache keep the public API document five minutes, and never stores health or errors', async () => {
      const document = await send(`${stack.url}/api/openapi.json`, 'GET');
      assert.equal(document.status, 200);
      assert.equal(document.headers['cache-control'], 'public, max-age=300');
      assert.ok(!varyOf(document).includes('authorization'));
      assert.equal((await send(`${stack.url}/api/openapi.json`, 'GET', { 'if-none-match': String(document.headers.etag) })).status, 304);
      assert.equal((await send(`${stack.url}/api/health`, 'GET')).headers['cache-control'], 'no-store');
      const missing = await get('/api/models/nope-v1');
      assert.equal(missing.status, 404);
      assert.equal(missing.headers['cache-control'], 'no-store');
      assert.equal(missing.headers.etag, undefined);
    });
  });

  describe('dashboard files', () => {
    it('serves index.html no-cache with an ETag (304 on revalidation), referencing hashed files served immutable', async () => {
      const index = await send(`${stack.url}/`, 'GET');
      assert.equal(index.status, 200);
      assert.equal(index.headers['cache-control'], 'no-cache');
      assert.equal((await send(`${stack.url}/`, 'GET', { 'if-none-match': String(index.headers.etag) })).status, 304);
      const html = index.body.toString();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
      assert.equal(assets.length, 2, html);
      for (const asset of assets) {
        assert.match(asset, /^[a-z-]+-[A-Z0-9]{8,}\.(js|css)$/);
        const res = await send(`${stack.url}/${asset}`, 'GET', { 'accept-encoding': 'gzip' });
        assert.equal(res.status, 200, asset);
        assert.match(String(res.headers['content-type']), asset.endsWith('.js') ? /javascript/ : /text\/css/);
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
        assert.equal(res.headers['content-encoding'], 'gzip');
        assert.ok(gunzipSync(res.body).byteLength > 1024);
      }
    });

    it('references existing hashed files from docs.html as well', async () => {
      const html = (await send(`${stack.url}/docs.html`, 'GET')).body.toString();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
      assert.equal(assets.length, 3, html);
      for (const asset of assets) {
        const res = await send(`${stack.url}/${asset}`, 'GET');
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', asset);
        assert.doesNotMatch(res.body.toString(), /^<!doctype html>/i, `${asset} is a real file, not the index fallback`);
      }
    });
  });
});
