import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { ZipFile } from 'yazl';
import type { BlobReader } from '../../../shared/artifact-ports';
import { ARCHIVE_MANIFEST_PATH, ARCHIVE_MODEL_ROOT, ARCHIVE_SIGNATURE_PATH, archiveManifest } from '../../../shared/domain/archive-manifest';
import { blobObjectName, canonicalManifest, manifestObjectName, sortManifest, type ManifestEntry } from '../../../shared/domain/manifest';
import { DomainError, NotFoundError } from '../../../shared/errors';
import type { VersionReader } from '../../../shared/ports';
import type { ObjectStore } from '../../../shared/register-ports';
import type { VersionManifestResponse } from '../../../shared/schemas/artifact-api';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import type { VersionSigning } from './version-signing';

/** Every entry gets the same time and mode, so the same version always gives the same bytes. */
// Local midnight: yazl encodes DOS times in the process's time zone, so this is 1980-01-01 00:00 everywhere.
const ENTRY_MTIME = new Date(1980, 0, 1);
const ENTRY_MODE = 0o100644;
/** A manifest of 100,000 files is about 15 MB. */
const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

export class IntegrityError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('INTEGRITY_FAILED', message, details);
  }
}

export interface VersionArchive {
  fileName: string;
  /** The ZIP bytes; destroyed with an IntegrityError as soon as a blob does not match its SHA-256. */
  stream: Readable;
}

export interface ArchiveDeps {
  versions: Pick<VersionReader, 'get'>;
  /** Reads the stored manifest (small JSON). */
  objects: Pick<ObjectStore, 'readJson'>;
  blobs: BlobReader;
  registryBucket: string;
  /** The stored bundles of signed versions (model.sig); null: signing not configured. */
  signatures?: Pick<VersionSigning, 'bundle'> | null;
}

/**
 * ZIP download of a version (seed 003): streamed entry by entry (one blob open at a time, so memory
 * stays flat whatever the version's size), deterministic (entries sorted by path, fixed time and
 * mode, stored without compression, `manifest.json` built from the immutable fields only), and
 * verified: each blob's SHA-256 is recomputed as it streams and the archive is destroyed before a
 * mismatching entry completes, so a client never receives a complete ZIP with corrupt bytes.
 */
export class VersionArchives {
  constructor(private readonly deps: ArchiveDeps) {}

  /** The version's files, from its manifest, checked against the manifest digest. */
  async manifest(id: string): Promise<VersionManifestResponse> {
    const { version, entries, digest } = await this.load(id);
    return {
      versionId: version.id, familyId: version.familyId, manifestDigest: digest, format: version.artifacts.format,
      sizeBytes: entries.reduce((sum, e) => sum + e.size, 0), fileCount: entries.length, files: entries,
    };
  }

  async open(id: string): Promise<VersionArchive> {
    const { version, entries, digest } = await this.load(id);
    // Read before the first byte is sent, so that a missing or altered bundle is a JSON error answer.
    const signature = version.signature?.state === 'signed' && this.deps.signatures ? (await this.deps.signatures.bundle(version)).bytes : null;
    const zip = new ZipFile();
    const output = zip.outputStream as Readable;
    let current: Readable | null = null;
    const fail = (error: unknown) => {
      current?.destroy();
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    };
    zip.on('error', fail);
    // A client that goes away stops the blob being read.
    output.once('close', () => current?.destroy());

    const options = { mtime: ENTRY_MTIME, mode: ENTRY_MODE, compress: false, forceDosTimestamp: true };
    const manifestJson = Buffer.from(`${JSON.stringify(archiveManifest(version, digest, entries), null, 2)}\n`, 'utf8');
    zip.addBuffer(manifestJson, ARCHIVE_MANIFEST_PATH, options);
    // The stored bundle, byte for byte: the same signed version always gives the same archive.
    if (signature) zip.addBuffer(signature, ARCHIVE_SIGNATURE_PATH, options);
    for (const entry of entries) {
      zip.addReadStreamLazy(`${ARCHIVE_MODEL_ROOT}${entry.path}`, { ...options, size: entry.size }, (callback) => {
        const verified = new VerifyingStream(entry);
        current = verified;
        verified.on('error', fail);
        // pipeline() carries a read failure into the verifier (yazl listens to no stream's errors).
        pipeline(Readable.from(this.blob(entry)), verified, () => undefined);
        callback(null, verified);
      });
    }
    zip.end();
    return { fileName: `${version.id}.zip`, stream: output };
  }

  /** A registered version's blob that is gone is an integrity failure, not a missing resource. */
  private async *blob(entry: ManifestEntry): AsyncIterable<Uint8Array> {
    try {
      yield* this.deps.blobs.read({ bucket: this.deps.registryBucket, name: blobObjectName(entry.sha256) });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') {
        throw new IntegrityError(`Stored blob of ${entry.path} is missing; download aborted`, { path: entry.path, sha256: entry.sha256 });
      }
      throw error;
    }
  }

  private async load(id: string): Promise<{ version: ModelVersion; entries: ManifestEntry[]; digest: string }> {
    const version = await this.deps.versions.get(id);
    if (!version) throw new NotFoundError('Model version', id);
    const digest = version.artifacts.manifestDigest;
    if (!digest) throw new NotFoundError('Stored files of version', id);
    const name = manifestObjectName(digest);
    const raw = await this.deps.objects.readJson({ bucket: this.deps.registryBucket, name }, MAX_MANIFEST_BYTES);
    if (raw === null) throw new IntegrityError(`The manifest of ${id} is missing from the registry bucket`, { versionId: id, manifest: name });
    if (!Array.isArray(raw)) throw new IntegrityError(`The manifest of ${id} is not a list of files`, { versionId: id });
    const entries = sortManifest(raw as ManifestEntry[]);
    const actual = `sha256:${createHash('sha256').update(canonicalManifest(entries), 'utf8').digest('hex')}`;
    if (actual !== digest) throw new IntegrityError(`The manifest of ${id} does not match its digest`, { versionId: id, expected: digest, actual });
    return { version, entries, digest };
  }
}

/**
 * Passes a blob's bytes through while hashing them, holding back the last chunk until the digest
 * and size are known: a blob that does not match never reaches its end in the archive.
 */
class VerifyingStream extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;
  private held: Buffer | null = null;

  constructor(private readonly entry: ManifestEntry) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.size > this.entry.size) return callback(this.mismatch(`more than its ${this.entry.size} bytes`));
    if (this.held) this.push(this.held);
    this.held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const sha256 = this.hash.digest('hex');
    if (this.size !== this.entry.size) return callback(this.mismatch(`${this.size} bytes instead of ${this.entry.size}`));
    if (sha256 !== this.entry.sha256) return callback(this.mismatch(`SHA-256 ${sha256}`));
    if (this.held) this.push(this.held);
    callback();
  }

  private mismatch(what: string): IntegrityError {
    return new IntegrityError(`Stored blob of ${this.entry.path} does not match its manifest (${what}); download aborted`, {
      path: this.entry.path, sha256: this.entry.sha256,
    });
  }
}
