import { createHash } from 'node:crypto';
import { blobObjectName, canonicalManifest, manifestObjectName, sortManifest, type ManifestEntry } from '../../../shared/domain/manifest';
import { UpstreamUnavailableError, type ListedObject, type ObjectStore } from '../../../shared/register-ports';

export interface StoredFile {
  entry: ManifestEntry;
  /** The blob was already in the store (another version, or an earlier attempt, holds the same bytes). */
  deduplicated: boolean;
}

export interface StoredManifest {
  entries: ManifestEntry[];
  /** `sha256:<hex>` of the canonical manifest. */
  digest: string;
  sizeBytes: number;
  deduplicatedFiles: number;
}

/**
 * Hashes one object generation while streaming it (constant memory, whatever its size), then
 * stores it under its digest with a server-side copy pinned to that same generation: the blob's
 * bytes are the bytes that were hashed (all of them: the length is checked against the object's
 * size). An existing blob is left alone (write-once).
 */
export async function storeFile(objects: ObjectStore, source: { bucket: string; relativePath: string; object: ListedObject }, registryBucket: string): Promise<StoredFile> {
  const pinned = { bucket: source.bucket, name: source.object.name, generation: source.object.generation };
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of objects.read(pinned)) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  // A read cut short without an error would name the blob after the wrong bytes: retry instead.
  if (size !== source.object.size) {
    throw new UpstreamUnavailableError('Cloud Storage', `read ${size} of the ${source.object.size} bytes of gs://${pinned.bucket}/${pinned.name}`);
  }
  const sha256 = hash.digest('hex');
  const outcome = await objects.copyIfAbsent(pinned, { bucket: registryBucket, name: blobObjectName(sha256) });
  return {
    entry: { path: source.relativePath, size, sha256, contentType: source.object.contentType },
    deduplicated: outcome === 'exists',
  };
}

/** Writes the manifest under its own digest (write-once) and returns it. */
export async function storeManifest(objects: ObjectStore, files: StoredFile[], registryBucket: string): Promise<StoredManifest> {
  const entries = sortManifest(files.map((f) => f.entry));
  const canonical = Buffer.from(canonicalManifest(entries), 'utf8');
  const digest = `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
  await objects.writeIfAbsent({ bucket: registryBucket, name: manifestObjectName(digest) }, canonical, 'application/json');
  return {
    entries,
    digest,
    sizeBytes: entries.reduce((sum, e) => sum + e.size, 0),
    deduplicatedFiles: files.filter((f) => f.deduplicated).length,
  };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the items' order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
