import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Storage } from '@google-cloud/storage';
import { startGcsTwin, storageClientOptions, type GcsTwin } from '../../../dev/twins/gcs';

interface GcsErrorBody {
  error: { code: number; message: string; errors: { reason: string; location?: string }[] };
}

/** The JSON API on the wire, for what the Node client never sends (apitools' forms, partial responses, refusals). */
describe('GCS twin JSON API details (raw HTTP, as gcloud and gsutil send it)', () => {
  let root: string;
  let twin: GcsTwin;
  let storage: Storage;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'gcs-json-api-'));
    twin = await startGcsTwin({ dataDir: join(root, 'data'), buckets: ['models'] });
    storage = new Storage(storageClientOptions(twin.url));
  });

  after(async () => {
    await twin?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const call = (path: string, init?: RequestInit) => fetch(`${twin.url}${path}`, init);
  const errorOf = async (response: Response) => ((await response.json()) as GcsErrorBody).error;
  const put = (name: string, text: string) => storage.bucket('models').file(name).save(text, { resumable: false });

  it('accepts an apitools multipart body: single- or double-quoted boundary, bare LF line endings', async () => {
    for (const [quote, name] of [["'", 'lf/single.txt'], ['"', 'lf/double.txt']] as const) {
      const boundary = '===============6024208917083736265==';
      const body = `--${boundary}\nContent-Type: application/json\nMIME-Version: 1.0\n\n{"name": "${name}", "contentType": "text/plain"}\n` +
        `--${boundary}\nContent-Type: text/plain\nMIME-Version: 1.0\nContent-Transfer-Encoding: binary\n\nline one\nline two\n\n--${boundary}--\n`;
      const response = await call('/upload/storage/v1/b/models/o?alt=json&uploadType=multipart', {
        method: 'POST',
        headers: { 'content-type': `multipart/related; boundary=${quote}${boundary}${quote}` },
        body,
      });
      assert.equal(response.status, 200, await response.clone().text());
      // The LF before the delimiter belongs to the delimiter, not to the media.
      assert.equal((await storage.bucket('models').file(name).download())[0].toString(), 'line one\nline two\n');
    }
  });

  it('answers only the fields asked for, in the partial-response syntax', async () => {
    await put('fields/a.txt', 'aaa');
    await put('fields/b.txt', 'bb');
    const list = await call(`/storage/v1/b/models/o?prefix=fields/&maxResults=1&fields=${encodeURIComponent('items(name,size),nextPageToken')}`);
    const page = (await list.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(page).sort(), ['items', 'nextPageToken']);
    assert.deepEqual(page.items, [{ name: 'fields/a.txt', size: '3' }]);

    const slashes = await call(`/storage/v1/b/models/o?prefix=fields/&fields=${encodeURIComponent('prefixes,items/name,items/generation')}`);
    const items = ((await slashes.json()) as { items: Record<string, unknown>[] }).items;
    assert.deepEqual(items.map((i) => Object.keys(i).sort()), [['generation', 'name'], ['generation', 'name']]);

    const object = await call('/storage/v1/b/models/o/fields%2Fb.txt?alt=json&projection=noAcl&fields=bucket,name,size,generation');
    assert.deepEqual(Object.keys((await object.json()) as object).sort(), ['bucket', 'generation', 'name', 'size']);
  });

  it('refuses a fields selection that does not parse, before doing the write (400 invalidParameter)', async () => {
    const response = await call('/storage/v1/b/models/o/fields%2Fa.txt?fields=items(name', { method: 'DELETE' });
    assert.equal(response.status, 400);
    const error = await errorOf(response);
    assert.equal(error.message, 'Invalid field selection items(name');
    assert.equal(error.errors[0]?.reason, 'invalidParameter');
    assert.equal(error.errors[0]?.location, 'fields');
    assert.equal((await storage.bucket('models').file('fields/a.txt').exists())[0], true);
  });

  it('refuses an unknown projection and a non-boolean versions (400)', async () => {
    assert.equal((await call('/storage/v1/b/models/o?projection=most')).status, 400);
    assert.equal((await call('/storage/v1/b/models/o?versions=maybe')).status, 400);
    assert.equal((await call('/storage/v1/b/models/o?versions=True&userProject=p&alt=json')).status, 200);
  });

  it('answers storageLayout for a flat (non-hierarchical) bucket, and 404 for a missing bucket', async () => {
    const layout = (await (await call('/storage/v1/b/models/storageLayout?alt=json')).json()) as Record<string, unknown>;
    assert.equal(layout.kind, 'storage#storageLayout');
    assert.equal(layout.bucket, 'models');
    assert.deepEqual(layout.hierarchicalNamespace, { enabled: false });
    assert.equal((await call('/storage/v1/b/nope/storageLayout')).status, 404);
  });

  it('composes objects: bytes concatenated, CRC32C of the whole, componentCount, no MD5; refuses 33 sources', async () => {
    await put('parts/0', 'abc');
    await put('parts/1', 'def');
    const compose = (sourceObjects: object[]) =>
      call('/storage/v1/b/models/o/parts%2Fall/compose?alt=json', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ destination: { contentType: 'text/plain' }, sourceObjects }),
      });
    const response = await compose([{ name: 'parts/0' }, { name: 'parts/1' }, { name: 'parts/0' }]);
    assert.equal(response.status, 200);
    const resource = (await response.json()) as Record<string, unknown>;
    assert.equal(resource.componentCount, 3);
    assert.equal(resource.size, '9');
    assert.equal(resource.md5Hash, undefined);
    const reference = storage.bucket('models').file('parts/reference');
    await reference.save('abcdefabc', { resumable: false });
    assert.equal(resource.crc32c, (await reference.getMetadata())[0].crc32c);
    assert.equal((await storage.bucket('models').file('parts/all').download())[0].toString(), 'abcdefabc');

    const tooMany = await compose(Array.from({ length: 33 }, () => ({ name: 'parts/0' })));
    assert.equal(tooMany.status, 400);
    assert.equal((await errorOf(tooMany)).message, 'The number of source components provided (33) exceeds the maximum (32)');
    const stale = await compose([{ name: 'parts/0', objectPreconditions: { ifGenerationMatch: '1' } }]);
    assert.equal(stale.status, 412);
    assert.equal((await compose([{ name: 'parts/missing' }])).status, 404);
  });

  it('finalizes a resumable upload once X-Upload-Content-Length bytes arrived, and refuses more', async () => {
    const start = async (name: string, size: number) => {
      const response = await call('/resumable/upload/storage/v1/b/models/o?alt=json&uploadType=resumable', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-upload-content-length': String(size), 'x-upload-content-type': 'text/plain' },
        body: JSON.stringify({ name }),
      });
      assert.equal(response.status, 200);
      return response.headers.get('location') ?? '';
    };
    // The chunk does not say the total ("/*"): the declared size completes the object.
    const session = await start('declared/exact.txt', 5);
    const done = await fetch(session, { method: 'PUT', headers: { 'content-range': 'bytes 0-4/*' }, body: 'hello' });
    assert.equal(done.status, 200);
    assert.equal(((await done.json()) as Record<string, unknown>).size, '5');
    // A status probe of the finished session answers the object.
    assert.equal((await fetch(session, { method: 'PUT', headers: { 'content-range': 'bytes */*' } })).status, 200);

    const over = await fetch(await start('declared/over.txt', 3), { method: 'PUT', body: 'hello' });
    assert.equal(over.status, 400);
    const conflicting = await fetch(await start('declared/conflict.txt', 3), { method: 'PUT', headers: { 'content-range': 'bytes 0-4/5' }, body: 'hello' });
    assert.equal(conflicting.status, 400);
    assert.equal((await storage.bucket('models').file('declared/over.txt').exists())[0], false);
  });

  it('inflates a gzip-encoded upload body and refuses one that is not gzip (400)', async () => {
    const upload = (body: Uint8Array<ArrayBuffer>) =>
      call('/upload/storage/v1/b/models/o?uploadType=media&name=gz%2Fplain.txt', {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
        body,
      });
    assert.equal((await upload(new Uint8Array(gzipSync('plain text')))).status, 200);
    assert.equal((await storage.bucket('models').file('gz/plain.txt').download())[0].toString(), 'plain text');
    assert.equal((await upload(new TextEncoder().encode('not gzip at all'))).status, 400);
  });
});
