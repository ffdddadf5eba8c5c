import { rm } from 'node:fs/promises';
import type { TwinContext } from './context';
import { appendHashed, ContentHashes, type ContentDigest } from './content-hashes';
import { invalid, serviceUnavailable } from './errors';
import { requestBody, sendResource, type TwinRequest } from './http';
import { multipartBoundary, readMultipartRelated } from './multipart-related';
import { checkObjectName, objectResource, writableFields, type WritableFields } from './object-record';
import { checkWrite, readPreconditions } from './preconditions';

/** `uploadType=media` (bytes only) and `uploadType=multipart` (JSON metadata part + bytes): one request, one object. */
export async function singleRequestUpload(ctx: TwinContext, request: TwinRequest): Promise<void> {
  const { req, params, query } = request;
  if (ctx.faults.takeWriteFault()) throw serviceUnavailable();
  const bucket = params.bucket ?? '';
  const conditions = readPreconditions(query);

  let name: string;
  let fields: WritableFields;
  let body: AsyncIterable<Buffer>;
  let claimed: Partial<ContentDigest> = {};
  if (query.get('uploadType') === 'multipart') {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary) throw invalid('A multipart upload needs a multipart/related body with a boundary.');
    const upload = await readMultipartRelated(requestBody(req), boundary);
    name = checkObjectName(query.get('name') ?? stringField(upload.metadata.name));
    fields = { contentType: upload.mediaContentType, ...writableFields(upload.metadata) };
    claimed = { md5Hash: stringField(upload.metadata.md5Hash), crc32c: stringField(upload.metadata.crc32c) };
    body = upload.media;
  } else {
    name = checkObjectName(query.get('name'));
    fields = { contentType: req.headers['content-type'] };
    body = requestBody(req);
  }
  // Fail fast, before receiving what may be gigabytes; checked again atomically at commit.
  checkWrite(conditions, ctx.store.find(bucket, name));

  const temp = ctx.store.tempPath();
  try {
    const hashes = new ContentHashes();
    await appendHashed(body, temp, hashes);
    const digest = hashes.digest();
    // GCS verifies hashes the client states in the metadata.
    if (claimed.md5Hash && claimed.md5Hash !== digest.md5Hash) throw invalid(`Provided MD5 hash "${claimed.md5Hash}" doesn't match calculated MD5 hash "${digest.md5Hash}".`);
    if (claimed.crc32c && claimed.crc32c !== digest.crc32c) throw invalid(`Provided CRC32C "${claimed.crc32c}" doesn't match calculated CRC32C "${digest.crc32c}".`);
    const record = await ctx.store.commit(bucket, name, temp, digest, fields, conditions);
    const resource = objectResource(record, ctx.baseUrl);
    ctx.events.publish(resource);
    sendResource(request, 200, resource);
  } finally {
    await rm(temp, { force: true });
  }
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

