import type { BlobReader } from '../../../../shared/artifact-ports';
import { NotFoundError } from '../../../../shared/errors';
import { UpstreamFailedError, UpstreamUnavailableError, type ObjectLocation } from '../../../../shared/register-ports';
import type { StorageProvider } from './object-store';
import { DEFAULT_STALL_MS, StalledReadError, unlessStalled } from './stalled-reads';

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'CONTENT_DOWNLOAD_MISMATCH']);

/**
 * Content-addressed blobs through @google-cloud/storage. Blobs are written once, so the live
 * object is read (no generation to pin). The client's own CRC32C check is turned off: the caller
 * checks every byte against the SHA-256 the blob is stored under, and the client computes CRC32C
 * in JavaScript at about a quarter of the download's speed.
 */
export class GcsBlobReader implements BlobReader {
  constructor(private readonly storage: StorageProvider, private readonly stallMs = DEFAULT_STALL_MS) {}

  async *read(location: ObjectLocation): AsyncIterable<Uint8Array> {
    const storage = await this.storage();
    const stream = storage.bucket(location.bucket).file(location.name).createReadStream({ validation: false });
    try {
      yield* unlessStalled(stream, this.stallMs, `gs://${location.bucket}/${location.name}`);
    } catch (error) {
      throw translate(error, location);
    } finally {
      stream.destroy();
    }
  }
}

function translate(error: unknown, location: ObjectLocation): unknown {
  if (error instanceof StalledReadError) return new UpstreamUnavailableError('Cloud Storage', error.message);
  const e = error as { code?: unknown; message?: unknown } | null;
  const message = String(e?.message ?? error);
  if (e?.code === 404) return new NotFoundError('Object', `gs://${location.bucket}/${location.name}`);
  if (typeof e?.code === 'number') {
    return e.code === 408 || e.code === 429 || e.code >= 500
      ? new UpstreamUnavailableError('Cloud Storage', message)
      : new UpstreamFailedError('Cloud Storage', message, e.code);
  }
  if (typeof e?.code === 'string' && NETWORK_CODES.has(e.code)) return new UpstreamUnavailableError('Cloud Storage', `${e.code}: ${message}`);
  return error;
}
