import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRC32C, Storage } from '@google-cloud/storage';
import { writeDemoModel } from '../../../dev/demo/demo-model';
import { startGcsTwin, storageClientOptions, type GcsTwin } from '../../../dev/twins/gcs';
import { gcloudCli, type GcloudCli, type GcloudResult } from '../../support/gcloud-cli';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('base64');
const crc32c = (bytes: Buffer) => {
  const crc = new CRC32C();
  crc.update(bytes);
  return crc.toString();
};

function ok(result: GcloudResult): GcloudResult {
  assert.equal(result.code, 0, `gcloud failed (${result.code}): ${result.stderr}`);
  return result;
}

/** Object names seen in finalize CloudEvents, as the register function would receive them. */
async function startEventSink(): Promise<{ server: Server; url: string; names: string[] }> {
  const names: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    names.push(String(JSON.parse(Buffer.concat(chunks).toString()).name));
    res.statusCode = 204;
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, names };
}

// gcloud takes about a second per call on these machines: few calls per test, generous timeouts.
describe('GCS twin driven by the real `gcloud storage` CLI', function () {
  this.timeout(180_000);
  let root: string;
  let twin: GcsTwin;
  let gcloud: GcloudCli;
  let storage: Storage;
  let sink: Awaited<ReturnType<typeof startEventSink>>;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'gcs-gcloud-'));
    sink = await startEventSink();
    twin = await startGcsTwin({ dataDir: join(root, 'data'), buckets: ['models'], subscribers: [{ bucket: 'models', url: sink.url }] });
    gcloud = await gcloudCli(twin.url);
    storage = new Storage(storageClientOptions(twin.url));
  });

  after(async () => {
    await twin?.stop();
    await gcloud?.dispose();
    await new Promise((done) => sink?.server.close(done));
    await rm(root, { recursive: true, force: true });
  });

  const names = async (prefix: string) => (await storage.bucket('models').getFiles({ prefix }))[0].map((f) => f.name).sort();

  it('cp uploads a small file (multipart); ls, ls -l, cat and hash read it back with the right hashes', async () => {
    const bytes = Buffer.from('hello from gcloud\n');
    await writeFile(join(root, 'small.txt'), bytes);
    ok(await gcloud.run(['storage', 'cp', join(root, 'small.txt'), 'gs://models/small/hello.txt']));

    assert.equal(ok(await gcloud.run(['storage', 'ls', 'gs://models/small/'])).out.trim(), 'gs://models/small/hello.txt');
    assert.match(ok(await gcloud.run(['storage', 'ls', '-l', 'gs://models/small/'])).out, new RegExp(`^\\s+${bytes.length}\\s+\\S+\\s+gs://models/small/hello\\.txt$`, 'm'));
    assert.ok(ok(await gcloud.run(['storage', 'cat', 'gs://models/small/hello.txt'])).stdout.equals(bytes));
    const hash = ok(await gcloud.run(['storage', 'hash', 'gs://models/small/hello.txt'])).out;
    assert.match(hash, new RegExp(`crc32c_hash: ${crc32c(bytes).replace(/[+/]/g, '\\$&')}`));
    assert.match(hash, new RegExp(`md5_hash: ${md5(bytes).replace(/[+/]/g, '\\$&')}`));
    // The Node client sees what gcloud wrote.
    const [metadata] = await storage.bucket('models').file('small/hello.txt').getMetadata();
    assert.equal(metadata.contentType, 'text/plain');
    assert.equal(metadata.md5Hash, md5(bytes));
  });

  it('cp --gzip-in-flight-all sends a gzip-encoded request body; the object holds the plain bytes', async () => {
    const bytes = Buffer.from('{"compress": "me"}\n'.repeat(50));
    await writeFile(join(root, 'metrics.json'), bytes);
    ok(await gcloud.run(['storage', 'cp', '--gzip-in-flight-all', join(root, 'metrics.json'), 'gs://models/small/metrics.json']));
    const [stored] = await storage.bucket('models').file('small/metrics.json').download();
    assert.ok(stored.equals(bytes));
  });

  it('cp uploads a 12 MB file (over the 8 MiB resumable threshold of gcloud) and downloads it in slices, hashes checked', async () => {
    const bytes = randomBytes(12_000_000);
    await writeFile(join(root, 'big.bin'), bytes);
    ok(await gcloud.run(['storage', 'cp', join(root, 'big.bin'), 'gs://models/big/single.bin']));
    const [metadata] = await storage.bucket('models').file('big/single.bin').getMetadata();
    assert.equal(metadata.size, String(bytes.length));
    assert.equal(metadata.md5Hash, md5(bytes));

    // Sliced download: parallel ranged GETs whose combined CRC32C gcloud checks against the object's.
    const sliced = { CLOUDSDK_STORAGE_SLICED_OBJECT_DOWNLOAD_THRESHOLD: '1M', CLOUDSDK_STORAGE_SLICED_OBJECT_DOWNLOAD_COMPONENT_SIZE: '4M' };
    ok(await gcloud.run(['storage', 'cp', 'gs://models/big/single.bin', join(root, 'single.copy')], sliced));
    assert.ok((await readFile(join(root, 'single.copy'))).equals(bytes));
  });

  it('cp with parallel composite uploads: components uploaded, composed, checked by CRC32C, then deleted', async () => {
    const bytes = randomBytes(12_000_000);
    await writeFile(join(root, 'composite.bin'), bytes);
    const composite = {
      CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED: 'True',
      CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_THRESHOLD: '4M',
      CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_COMPONENT_SIZE: '4M',
      // Components above this go resumable: gcloud deletes only components it tracked that way.
      CLOUDSDK_STORAGE_RESUMABLE_THRESHOLD: '1M',
    };
    ok(await gcloud.run(['storage', 'cp', join(root, 'composite.bin'), 'gs://models/big/composite.bin'], composite));

    const [metadata] = await storage.bucket('models').file('big/composite.bin').getMetadata();
    assert.equal(metadata.componentCount, 3);
    assert.equal(metadata.crc32c, crc32c(bytes));
    assert.equal(metadata.md5Hash, undefined); // GCS keeps no MD5 for composite objects
    assert.deepEqual(await names('gcloud/tmp/'), []);
    assert.ok(ok(await gcloud.run(['storage', 'cat', 'gs://models/big/composite.bin'])).stdout.equals(bytes));
  });

  it('cp -r uploads a SavedModel directory (one finalize event per file); rm -r removes it', async () => {
    writeDemoModel(join(root, 'model', '1'), 5);
    ok(await gcloud.run(['storage', 'cp', '-r', join(root, 'model'), 'gs://models/tr-7/pushed_model']));
    const pushed = [
      'tr-7/pushed_model/1/metrics.json',
      'tr-7/pushed_model/1/saved_model.pb',
      'tr-7/pushed_model/1/variables/variables.data-00000-of-00001',
      'tr-7/pushed_model/1/variables/variables.index',
    ];
    assert.deepEqual(await names('tr-7/'), pushed);
    const listed = ok(await gcloud.run(['storage', 'ls', '-r', 'gs://models/tr-7/**'])).out.trim().split('\n').sort();
    assert.deepEqual(listed, pushed.map((name) => `gs://models/${name}`));
    await twin.idle();
    assert.deepEqual(sink.names.filter((name) => name.startsWith('tr-7/')).sort(), pushed);

    ok(await gcloud.run(['storage', 'rm', '-r', 'gs://models/tr-7']));
    assert.deepEqual(await names('tr-7/'), []);
    const gone = await gcloud.run(['storage', 'ls', 'gs://models/tr-7/']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /matched no objects/);
  });

  it('cp --if-generation-match refuses a stale generation with 412 and accepts the current one', async () => {
    const file = storage.bucket('models').file('guarded/model.txt');
    await file.save('v1', { resumable: false });
    const [{ generation }] = await file.getMetadata();
    await writeFile(join(root, 'v2.txt'), 'v2');

    const refused = await gcloud.run(['storage', 'cp', '--if-generation-match=0', join(root, 'v2.txt'), 'gs://models/guarded/model.txt']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /412: At least one of the pre-conditions you specified did not hold/);
    assert.equal((await file.download())[0].toString(), 'v1');

    ok(await gcloud.run(['storage', 'cp', `--if-generation-match=${generation}`, join(root, 'v2.txt'), 'gs://models/guarded/model.txt']));
    assert.equal((await file.download())[0].toString(), 'v2');
  });
});
