import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { GcsError, invalid, noSuchBucket, noSuchObject } from './errors';
import { KeyedLock } from './keyed-lock';
import { listPage, type ListOptions, type ListPage } from './listing';
import { applyPatch, type ObjectRecord, type WritableFields } from './object-record';
import { checkWrite, type Preconditions } from './preconditions';

/** What is known of an object's bytes once they are stored. */
export type StoredContent = Pick<ObjectRecord, 'size' | 'crc32c' | 'md5Hash' | 'componentCount'>;

export interface BucketRecord {
  name: string;
  timeCreated: string;
  location: string;
  storageClass: string;
}

interface Bucket {
  record: BucketRecord;
  objects: Map<string, ObjectRecord>;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/**
 * Buckets and objects on disk, indexed in memory:
 *   <dataDir>/buckets/<bucket>/bucket.json
 *   <dataDir>/buckets/<bucket>/objects/<sha256(name)>.json           the object's record (sidecar)
 *   <dataDir>/buckets/<bucket>/objects/<sha256(name)>.<generation>   its bytes, never modified once written
 *   <dataDir>/uploads/                                               bytes of writes not yet committed
 * File names are hashes of object names, so no name ("../x", "a/b", 1024 bytes) can leave dataDir.
 * A new generation gets a new data file: readers of the previous one keep a valid file until they finish.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly locks = new KeyedLock();
  private lastGeneration = 0;

  private constructor(private readonly dataDir: string) {}

  static async open(dataDir: string): Promise<ObjectStore> {
    const store = new ObjectStore(dataDir);
    await rm(join(dataDir, 'uploads'), { recursive: true, force: true }); // sessions do not survive a restart
    await mkdir(join(dataDir, 'uploads'), { recursive: true });
    await mkdir(join(dataDir, 'buckets'), { recursive: true });
    for (const name of await readdir(join(dataDir, 'buckets'))) await store.loadBucket(name);
    return store;
  }

  private async loadBucket(name: string): Promise<void> {
    const record = JSON.parse(await readFile(join(this.bucketDir(name), 'bucket.json'), 'utf8')) as BucketRecord;
    const objects = new Map<string, ObjectRecord>();
    const files = await readdir(this.objectsDir(name));
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      const object = JSON.parse(await readFile(join(this.objectsDir(name), file), 'utf8')) as ObjectRecord;
      objects.set(object.name, object);
      this.lastGeneration = Math.max(this.lastGeneration, Number(object.generation));
    }
    // Data files no record points at are leftovers of an interrupted overwrite or delete.
    const live = new Set([...objects.values()].map((o) => `${objectKey(o.name)}.${o.generation}`));
    for (const file of files) {
      if (!file.endsWith('.json') && !live.has(file)) await rm(join(this.objectsDir(name), file), { force: true });
    }
    this.buckets.set(name, { record, objects });
  }

  /** Creates a bucket unless it exists. */
  async ensureBucket(name: string): Promise<BucketRecord> {
    return this.buckets.get(name)?.record ?? this.createBucket(name);
  }

  async createBucket(name: string, fields: { location?: string; storageClass?: string } = {}): Promise<BucketRecord> {
    if (!BUCKET_NAME.test(name)) throw invalid(`Invalid bucket name: '${name}'`);
    if (this.buckets.has(name)) {
      throw new GcsError(409, 'Your previous request to create the named bucket succeeded and you already own it.', 'conflict');
    }
    const record: BucketRecord = {
      name,
      timeCreated: new Date().toISOString(),
      location: (fields.location ?? 'US').toUpperCase(),
      storageClass: fields.storageClass ?? 'STANDARD',
    };
    await mkdir(this.objectsDir(name), { recursive: true });
    await writeFileAtomically(join(this.bucketDir(name), 'bucket.json'), JSON.stringify(record, null, 2));
    this.buckets.set(name, { record, objects: new Map() });
    return record;
  }

  getBucket(name: string): BucketRecord {
    return this.bucket(name).record;
  }

  listBuckets(): BucketRecord[] {
    return [...this.buckets.values()].map((b) => b.record).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The live object, or undefined; throws 404 for an unknown bucket. */
  find(bucket: string, name: string): ObjectRecord | undefined {
    return this.bucket(bucket).objects.get(name);
  }

  /** The live object, which must exist (and have `generation`, when one is asked for). */
  get(bucket: string, name: string, generation?: string | null): ObjectRecord {
    const record = this.find(bucket, name);
    if (!record || (generation != null && generation !== record.generation)) throw noSuchObject(bucket, name);
    return record;
  }

  list(bucket: string, options: ListOptions): ListPage<ObjectRecord> {
    return listPage(this.bucket(bucket).objects, options);
  }

  /** Opens an object's bytes; rejects with ENOENT if that generation was replaced meanwhile. */
  openData(record: ObjectRecord): Promise<FileHandle> {
    return open(this.dataPath(record), 'r');
  }

  /** A path for bytes being received, on the same file system as the objects (commits are renames). */
  tempPath(): string {
    return join(this.dataDir, 'uploads', randomUUID());
  }

  /** An object's bytes at a temp path: shared with the source (a hard link), or copied where links fail. */
  async copyToTemp(record: ObjectRecord): Promise<string> {
    const temp = this.tempPath();
    try {
      // A generation's bytes never change once committed: like GCS's metadata-only rewrites within
      // a location, a copy shares them (a hard link) instead of writing them again.
      await link(this.dataPath(record), temp).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw err;
        await copyFile(this.dataPath(record), temp, constants.COPYFILE_FICLONE);
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchObject(record.bucket, record.name);
      throw err;
    }
    return temp;
  }

  /** Makes the bytes at `tempPath` the object's new generation, if the preconditions hold. */
  async commit(
    bucket: string,
    name: string,
    tempPath: string,
    digest: StoredContent,
    fields: WritableFields,
    conditions: Preconditions,
  ): Promise<ObjectRecord> {
    return this.locks.run(lockKey(bucket, name), async () => {
      const objects = this.bucket(bucket).objects;
      const current = objects.get(name);
      checkWrite(conditions, current);
      const now = new Date().toISOString();
      const record: ObjectRecord = {
        bucket,
        name,
        generation: this.nextGeneration(),
        metageneration: '1',
        ...fields,
        contentType: fields.contentType ?? 'application/octet-stream',
        ...digest,
        timeCreated: now,
        updated: now,
        storageClass: 'STANDARD',
      };
      await rename(tempPath, this.dataPath(record));
      await this.writeRecord(record);
      objects.set(name, record);
      if (current) await rm(this.dataPath(current), { force: true });
      return record;
    });
  }

  async patch(bucket: string, name: string, body: Record<string, unknown>, conditions: Preconditions, generation?: string | null): Promise<ObjectRecord> {
    return this.locks.run(lockKey(bucket, name), async () => {
      const current = this.get(bucket, name, generation);
      checkWrite(conditions, current);
      const record: ObjectRecord = {
        ...applyPatch(current, body),
        metageneration: String(Number(current.metageneration) + 1),
        updated: new Date().toISOString(),
      };
      await this.writeRecord(record);
      this.bucket(bucket).objects.set(name, record);
      return record;
    });
  }

  async delete(bucket: string, name: string, conditions: Preconditions, generation?: string | null): Promise<void> {
    await this.locks.run(lockKey(bucket, name), async () => {
      const current = this.get(bucket, name, generation);
      checkWrite(conditions, current);
      await rm(this.recordPath(bucket, name));
      this.bucket(bucket).objects.delete(name);
      await rm(this.dataPath(current), { force: true });
    });
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw noSuchBucket();
    return bucket;
  }

  /** Microseconds since the epoch like GCS's, and strictly increasing even within one microsecond or across restarts. */
  private nextGeneration(): string {
    this.lastGeneration = Math.max(Date.now() * 1000, this.lastGeneration + 1);
    return String(this.lastGeneration);
  }

  private writeRecord(record: ObjectRecord): Promise<void> {
    return writeFileAtomically(this.recordPath(record.bucket, record.name), JSON.stringify(record, null, 2));
  }

  private bucketDir(bucket: string): string {
    return join(this.dataDir, 'buckets', bucket);
  }

  private objectsDir(bucket: string): string {
    return join(this.bucketDir(bucket), 'objects');
  }

  private recordPath(bucket: string, name: string): string {
    return join(this.objectsDir(bucket), `${objectKey(name)}.json`);
  }

  private dataPath(record: ObjectRecord): string {
    return join(this.objectsDir(record.bucket), `${objectKey(record.name)}.${record.generation}`);
  }
}

function objectKey(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function lockKey(bucket: string, name: string): string {
  return `${bucket}/${name}`;
}

async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}
