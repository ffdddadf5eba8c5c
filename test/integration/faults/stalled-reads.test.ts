import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGcsTwin, type GcsTwin } from '../../../dev/twins/gcs';
import { GcsBlobReader } from '../../../functions/src/adapters/gcs/blob-reader';
import { GcsObjectStore, lazyStorage } from '../../../functions/src/adapters/gcs/object-store';
import { DomainError } from '../../../shared/errors';

/** Reads every chunk; resolves with the error that ended the read, or null. */
async function drain(read: AsyncIterable<Uint8Array>): Promise<unknown> {
  try {
    for await (const chunk of read) void chunk;
    return null;
  } catch (error) {
    return error;
  }
}

describe('downloads that stop halfway (GCS twin breaking the connection)', () => {
  let twin: GcsTwin;
  let dataDir: string;
  const bytes = randomBytes(3_000_000);
  const STALL_MS = 400;
  let generation = '';

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stalled-'));
    twin = await startGcsTwin({ dataDir, buckets: ['pushes'], log: () => undefined });
    const { Storage } = await import('@google-cloud/storage');
    const file = new Storage({ apiEndpoint: twin.url, projectId: 'p' }).bucket('pushes').file('model.bin');
    await file.save(bytes, { resumable: false });
    generation = String((await file.getMetadata())[0].generation);
  });

  after(async () => {
    await twin?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const storage = () => lazyStorage({ projectId: 'p', apiEndpoint: twin.url });

  for (const [name, read] of [
    ['registration hashing (GcsObjectStore.read)', () => new GcsObjectStore(storage(), STALL_MS).read({ bucket: 'pushes', name: 'model.bin', generation })],
    ['ZIP download (GcsBlobReader.read)', () => new GcsBlobReader(storage(), STALL_MS).read({ bucket: 'pushes', name: 'model.bin' })],
  ] as const) {
    it(`[fault] fails a stalled read in ${name} with a retryable error instead of hanging, and reads it whole next time`, async () => {
      twin.faults.set({ breakReads: 1 });
      const started = Date.now();
      const error = await drain(read());
      assert.ok(error instanceof DomainError && error.code === 'UPSTREAM_UNAVAILABLE', String(error));
      assert.match(error.message, /no bytes for 400 ms/);
      assert.ok(Date.now() - started < 10_000);
      assert.equal(await drain(read()), null);
    });
  }
});
