import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import type { TwinContext } from './context';
import { appendHashed, ContentHashes, goodHashHeader } from './content-hashes';
import { GcsError, invalid, serviceUnavailable } from './errors';
import { readJson, requestBody, sendEmpty, sendResource, type TwinRequest } from './http';
import { KeyedLock } from './keyed-lock';
import { checkObjectName, objectResource, writableFields, type ObjectResource, type WritableFields } from './object-record';
import { checkWrite, readPreconditions, type Preconditions } from './preconditions';

interface UploadSession {
  bucket: string;
  name: string;
  fields: WritableFields;
  conditions: Preconditions;
  tempPath: string;
  hashes: ContentHashes;
  /** X-Upload-Content-Length: the object's size stated at the start; GCS finalizes once that many bytes arrived. */
  declaredSize?: number;
  /** Set once the object is committed: later requests on the session just answer it. */
  result?: ObjectResource;
}

/** What a PUT's Content-Range says (https://cloud.google.com/storage/docs/performing-resumable-uploads). */
type ChunkRange =
  | { kind: 'status'; total?: number } // bytes */total: "how much do you have?" (and finalize if total is reached)
  | { kind: 'bytes'; start: number; toEnd: boolean; total?: number }; // toEnd: the body runs to the end of the object

/**
 * Resumable uploads: a POST opens a session (answered with its URI in `Location`), PUTs send the bytes in
 * one or more chunks with Content-Range. Incomplete chunks answer 308 with `Range: bytes=0-<last>`, the one
 * completing the object answers 200 with its resource. Sessions live in memory, their bytes under uploads/.
 */
export class ResumableUploads {
  private readonly sessions = new Map<string, UploadSession>();
  private readonly locks = new KeyedLock();

  constructor(private readonly ctx: TwinContext) {}

  async start({ req, res, params, query }: TwinRequest): Promise<void> {
    if (this.ctx.faults.takeWriteFault()) throw serviceUnavailable();
    const bucket = params.bucket ?? '';
    const metadata = await readJson(req);
    const name = checkObjectName(query.get('name') ?? (typeof metadata.name === 'string' ? metadata.name : undefined));
    const conditions = readPreconditions(query);
    checkWrite(conditions, this.ctx.store.find(bucket, name)); // fail early; checked again at commit
    const contentType = req.headers['x-upload-content-type'];
    const declaredSize = readDeclaredSize(req.headers['x-upload-content-length']);
    const session: UploadSession = {
      declaredSize,
      bucket,
      name,
      fields: { ...writableFields(metadata), ...(typeof contentType === 'string' ? { contentType } : {}) },
      conditions,
      tempPath: this.ctx.store.tempPath(),
      hashes: new ContentHashes(),
    };
    await writeFile(session.tempPath, ''); // an empty object may be finalized without any byte
    const id = randomUUID();
    this.sessions.set(id, session);
    const location = `${this.ctx.baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
    sendEmpty(res, 200, { location, 'x-guploader-uploadid': id });
  }

  async put(request: TwinRequest): Promise<void> {
    const id = request.query.get('upload_id') ?? '';
    // One request at a time per session: a retried chunk must not interleave with a half-received one.
    await this.locks.run(id, () => this.receive(id, request));
  }

  private async receive(id: string, request: TwinRequest): Promise<void> {
    const { req, res } = request;
    const session = this.sessions.get(id);
    if (!session) throw new GcsError(404, 'No such upload session.', 'notFound');
    if (session.result) return sendResource(request, 200, session.result);
    if (this.ctx.faults.takeWriteFault()) throw serviceUnavailable();

    const range = parseContentRange(req.headers['content-range']);
    const { hashes, declaredSize } = session;
    if (declaredSize !== undefined && range.total !== undefined && range.total !== declaredSize) {
      this.abandon(id, session);
      throw invalid(`Invalid request. The total size in Content-Range (${range.total}) does not match the X-Upload-Content-Length (${declaredSize}) the upload was started with.`);
    }
    const limit = range.total ?? declaredSize;
    if (range.kind === 'bytes') {
      if (range.start > hashes.size) {
        throw invalid(`Invalid request. The upload offset is ${range.start} byte(s), which exceeds the ${hashes.size} byte(s) already uploaded.`);
      }
      // A resent chunk may overlap what was stored: keep only the new bytes.
      await appendHashed(requestBody(req), session.tempPath, hashes, hashes.size - range.start);
      if (limit !== undefined && hashes.size > limit) {
        this.abandon(id, session);
        throw invalid(`Invalid request. ${hashes.size} bytes were received, more than the declared ${limit}.`);
      }
    }
    const complete = limit === undefined ? range.kind === 'bytes' && range.toEnd : hashes.size === limit;
    if (!complete && range.kind === 'bytes' && range.toEnd) {
      // The request said "this is the rest of the object", yet it is shorter than the size stated at the start.
      this.abandon(id, session);
      throw invalid(`Invalid request. The upload ended after ${hashes.size} bytes, short of the declared ${limit}.`);
    }
    if (!complete) return sendEmpty(res, 308, hashes.size > 0 ? { range: `bytes=0-${hashes.size - 1}` } : {});

    const digest = hashes.digest();
    if (!goodHashHeader(header(req.headers['x-goog-hash']), digest)) {
      this.abandon(id, session);
      throw invalid('The checksums in X-Goog-Hash do not match the uploaded data.');
    }
    try {
      const record = await this.ctx.store.commit(session.bucket, session.name, session.tempPath, digest, session.fields, session.conditions);
      session.result = objectResource(record, this.ctx.baseUrl);
    } catch (err) {
      this.abandon(id, session);
      throw err;
    }
    this.ctx.events.publish(session.result);
    sendResource(request, 200, session.result);
  }

  private abandon(id: string, session: UploadSession): void {
    this.sessions.delete(id);
    void rm(session.tempPath, { force: true });
  }
}

function readDeclaredSize(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) throw invalid(`Invalid X-Upload-Content-Length: ${String(value)}`);
  return Number(value);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** No Content-Range: the body is the whole object. */
export function parseContentRange(value: string | undefined): ChunkRange {
  if (value === undefined) return { kind: 'bytes', start: 0, toEnd: true };
  const status = /^bytes \*\/(\d+|\*)$/.exec(value.trim());
  if (status) return { kind: 'status', total: total(status[1]) };
  // "bytes 0--1/0" is what the client sends for an empty object in chunked mode.
  const bytes = /^bytes (\d+)-(-1|\d+|\*)\/(\d+|\*)$/.exec(value.trim());
  if (bytes) return { kind: 'bytes', start: Number(bytes[1]), toEnd: bytes[2] === '*', total: total(bytes[3]) };
  throw invalid(`Invalid Content-Range: ${value}`);
}

function total(value: string | undefined): number | undefined {
  return value === undefined || value === '*' ? undefined : Number(value);
}
