import { DomainError } from '../../../../shared/errors';
import {
  ObjectGoneError, UpstreamFailedError, UpstreamUnavailableError,
  type Listing, type ListedObject, type ObjectLocation, type ObjectStore, type ObjectVersion,
} from '../../../../shared/register-ports';

import { DEFAULT_STALL_MS, StalledReadError, unlessStalled } from './stalled-reads';

// Typed from the dynamic import, which resolves the module's ESM build (its own copy of the types).
type Storage = import('@google-cloud/storage', { with: { 'resolution-mode': 'import' } }).Storage;
type File = ReturnType<ReturnType<Storage['bucket']>['file']>;

export type StorageProvider = () => Promise<Storage>;

export interface StorageOptions {
  projectId: string;
  /** A JSON API base URL other than Google's (the local twin); the client then sends no credentials. */
  apiEndpoint?: string | null;
}

/** The client is built on first use and the promise cached: its module costs cold-start time. */
export function lazyStorage(options: StorageOptions): StorageProvider {
  let storage: Promise<Storage> | undefined;
  return () =>
    (storage ??= import('@google-cloud/storage').then(
      ({ Storage }) => new Storage({ projectId: options.projectId, ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}) }),
    ));
}

const PAGE_SIZE = 1000;
const NOT_FOUND = 404;
const PRECONDITION_FAILED = 412;

/** Cloud Storage through @google-cloud/storage; errors become the ports' errors. */
export class GcsObjectStore implements ObjectStore {
  constructor(private readonly storage: StorageProvider, private readonly stallMs = DEFAULT_STALL_MS) {}

  async list(bucket: string, prefix: string, maxObjects: number): Promise<Listing> {
    const objects: ListedObject[] = [];
    let pageToken: string | undefined;
    do {
      const remaining = maxObjects + 1 - objects.length;
      const [files, next] = await this.call(async (s) =>
        s.bucket(bucket).getFiles({ prefix, autoPaginate: false, maxResults: Math.min(PAGE_SIZE, remaining), pageToken }),
      );
      for (const file of files) objects.push(listed(file));
      if (objects.length > maxObjects) return { objects: objects.slice(0, maxObjects), truncated: true };
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
    return { objects, truncated: false };
  }

  async *read(object: ObjectVersion): AsyncIterable<Uint8Array> {
    const storage = await this.storage();
    // No client-side MD5/CRC32C: the bytes come over TLS, which authenticates every one of them;
    // the length is checked against the object's size by the caller; and every ZIP download
    // re-checks the SHA-256. The client's check cost a third of registration's read speed. The
    // stored bytes (never inflated): they are what the server-side copy puts under this hash.
    const stream = storage.bucket(object.bucket).file(object.name, { generation: object.generation }).createReadStream({ validation: false, decompress: false });
    try {
      yield* unlessStalled(stream, this.stallMs, `gs://${object.bucket}/${object.name}`);
    } catch (error) {
      if (statusOf(error) === NOT_FOUND) throw new ObjectGoneError(object);
      throw translate(error);
    } finally {
      stream.destroy();
    }
  }

  async readJson(location: ObjectLocation, maxBytes: number): Promise<unknown> {
    const storage = await this.storage();
    const stream = storage.bucket(location.bucket).file(location.name).createReadStream();
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of unlessStalled(stream, this.stallMs, `gs://${location.bucket}/${location.name}`)) {
        size += (chunk as Buffer).length;
        // Stop reading at once: a huge object must not be buffered to find out it is huge.
        if (size > maxBytes) throw new DomainError('PAYLOAD_TOO_LARGE', `gs://${location.bucket}/${location.name} exceeds ${maxBytes} bytes`);
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (statusOf(error) === NOT_FOUND) return null;
      throw translate(error);
    } finally {
      stream.destroy();
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new DomainError('VALIDATION_FAILED', `gs://${location.bucket}/${location.name} is not valid JSON`);
    }
  }

  async copyIfAbsent(source: ObjectVersion, destination: ObjectLocation): Promise<'created' | 'exists'> {
    try {
      await this.call(async (s) => {
        const target = s.bucket(destination.bucket).file(destination.name);
        // The precondition makes the copy idempotent, so the client may retry it safely.
        await s.bucket(source.bucket).file(source.name, { generation: source.generation }).copy(target, { preconditionOpts: { ifGenerationMatch: 0 } });
      });
      return 'created';
    } catch (error) {
      if (statusOfTranslated(error) === PRECONDITION_FAILED) return 'exists';
      if (statusOfTranslated(error) === NOT_FOUND) throw new ObjectGoneError(source);
      throw error;
    }
  }

  async writeIfAbsent(destination: ObjectLocation, bytes: Uint8Array, contentType: string): Promise<'created' | 'exists'> {
    try {
      await this.call((s) =>
        s.bucket(destination.bucket).file(destination.name).save(Buffer.from(bytes), {
          resumable: false, contentType, preconditionOpts: { ifGenerationMatch: 0 },
        }),
      );
      return 'created';
    } catch (error) {
      if (statusOfTranslated(error) === PRECONDITION_FAILED) return 'exists';
      throw error;
    }
  }

  private async call<T>(fn: (storage: Storage) => Promise<T>): Promise<T> {
    const storage = await this.storage();
    try {
      return await fn(storage);
    } catch (error) {
      throw translate(error);
    }
  }
}

function listed(file: File): ListedObject {
  const { size, generation, contentType, metadata } = file.metadata;
  const custom = Object.entries(metadata ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  return {
    name: file.name,
    size: Number(size ?? 0),
    generation: String(generation),
    contentType: typeof contentType === 'string' && contentType ? contentType : null,
    ...(custom.length > 0 && { metadata: Object.fromEntries(custom) }),
  };
}

function statusOf(error: unknown): number | null {
  const e = error as { code?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  for (const value of [e?.code, e?.status, e?.response?.status]) if (typeof value === 'number') return value;
  return null;
}

function statusOfTranslated(error: unknown): number | null {
  return error instanceof UpstreamFailedError && typeof error.upstreamCode === 'number' ? error.upstreamCode : null;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'CONTENT_DOWNLOAD_MISMATCH']);

/** HTTP 408/429/5xx and network failures are worth retrying; other statuses are answers. Bugs pass through. */
function translate(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  if (error instanceof StalledReadError) return new UpstreamUnavailableError('Cloud Storage', error.message);
  const message = (error as Error | null)?.message ?? String(error);
  const status = statusOf(error);
  if (status !== null) {
    if (status === 408 || status === 429 || status >= 500) return new UpstreamUnavailableError('Cloud Storage', message);
    return new UpstreamFailedError('Cloud Storage', message, status);
  }
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null);
  const networkCode = [code?.code, code?.cause?.code].find((c): c is string => typeof c === 'string' && NETWORK_CODES.has(c));
  if (networkCode) return new UpstreamUnavailableError('Cloud Storage', `${networkCode}: ${message}`);
  return error;
}
