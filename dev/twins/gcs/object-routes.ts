import { rm } from 'node:fs/promises';
import type { TwinContext } from './context';
import { serviceUnavailable } from './errors';
import { booleanParam, integerParam, readJson, sendEmpty, sendResource, type TwinRequest } from './http';
import { downloadMedia } from './media-download';
import { checkObjectName, objectResource, WRITABLE_FIELDS, writableFields, type ObjectRecord, type WritableFields } from './object-record';
import { checkRead, checkWrite, readPreconditions } from './preconditions';

/** GET an object: its resource, or with `alt=media` its bytes. */
export async function getObject(ctx: TwinContext, request: TwinRequest): Promise<void> {
  const { params, query } = request;
  if (query.get('alt') === 'media') return downloadMedia(ctx, request);
  const record = ctx.store.get(params.bucket ?? '', params.object ?? '', query.get('generation'));
  checkRead(readPreconditions(query), record);
  sendResource(request, 200, objectResource(record, ctx.baseUrl));
}

export async function listObjects(ctx: TwinContext, request: TwinRequest): Promise<void> {
  const { params, query } = request;
  const page = ctx.store.list(params.bucket ?? '', {
    prefix: query.get('prefix') ?? undefined,
    delimiter: query.get('delimiter') ?? undefined,
    maxResults: integerParam(query, 'maxResults'),
    pageToken: query.get('pageToken') ?? undefined,
    startOffset: query.get('startOffset') ?? undefined,
    endOffset: query.get('endOffset') ?? undefined,
  });
  // The twin keeps no noncurrent generations (buckets are not versioned), so versions=true lists the same.
  booleanParam(query, 'versions');
  // Like GCS, empty lists and the last page's token are left out.
  sendResource(request, 200, {
    kind: 'storage#objects',
    ...(page.prefixes.length > 0 ? { prefixes: page.prefixes } : {}),
    ...(page.items.length > 0 ? { items: page.items.map((r) => objectResource(r, ctx.baseUrl)) } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
  });
}

export async function patchObject(ctx: TwinContext, request: TwinRequest): Promise<void> {
  const { req, params, query } = request;
  if (ctx.faults.takeWriteFault()) throw serviceUnavailable();
  const body = await readJson(req);
  const record = await ctx.store.patch(params.bucket ?? '', params.object ?? '', body, readPreconditions(query), query.get('generation'));
  sendResource(request, 200, objectResource(record, ctx.baseUrl));
}

export async function deleteObject(ctx: TwinContext, { res, params, query }: TwinRequest): Promise<void> {
  if (ctx.faults.takeWriteFault()) throw serviceUnavailable();
  await ctx.store.delete(params.bucket ?? '', params.object ?? '', readPreconditions(query), query.get('generation'));
  sendEmpty(res, 204);
}

/**
 * `rewriteTo` (what the client's copy() calls; done in one call, no rewriteToken) and the older `copyTo`.
 * The destination takes the source's metadata, overridden field by field by the request body.
 */
export async function copyObject(ctx: TwinContext, request: TwinRequest, style: 'rewrite' | 'copy'): Promise<void> {
  const { req, params, query } = request;
  if (ctx.faults.takeWriteFault()) throw serviceUnavailable();
  const source = ctx.store.get(params.bucket ?? '', params.object ?? '', query.get('sourceGeneration'));
  checkWrite(readPreconditions(query, 'Source'), source);
  const destinationBucket = params.destinationBucket ?? '';
  const destinationName = checkObjectName(params.destinationObject);
  const conditions = readPreconditions(query);
  checkWrite(conditions, ctx.store.find(destinationBucket, destinationName));
  const fields = { ...sourceFields(source), ...writableFields(await readJson(req)) };

  const temp = await ctx.store.copyToTemp(source);
  let record: ObjectRecord;
  try {
    const digest = { size: source.size, md5Hash: source.md5Hash, crc32c: source.crc32c, componentCount: source.componentCount };
    record = await ctx.store.commit(destinationBucket, destinationName, temp, digest, fields, conditions);
  } finally {
    await rm(temp, { force: true });
  }
  const resource = objectResource(record, ctx.baseUrl);
  ctx.events.publish(resource);
  if (style === 'copy') return sendResource(request, 200, resource);
  sendResource(request, 200, { kind: 'storage#rewriteResponse', totalBytesRewritten: record.size, objectSize: record.size, done: true, resource });
}

function sourceFields(source: ObjectRecord): WritableFields {
  const fields: WritableFields = {};
  for (const key of WRITABLE_FIELDS) if (source[key] !== undefined) Object.assign(fields, { [key]: source[key] });
  return fields;
}
