import { rm, writeFile } from 'node:fs/promises';
import type { TwinContext } from './context';
import { appendHashed, ContentHashes } from './content-hashes';
import { GcsError, invalid, serviceUnavailable } from './errors';
import { readJson, sendResource, type TwinRequest } from './http';
import { checkObjectName, objectResource, writableFields, type ObjectRecord } from './object-record';
import { checkWrite, readPreconditions } from './preconditions';

/** GCS composes at most 32 sources per request (https://cloud.google.com/storage/docs/composite-objects). */
const MAX_SOURCES = 32;

interface SourceObject {
  name: string;
  generation?: string;
  ifGenerationMatch?: string;
}

/**
 * `POST /storage/v1/b/{bucket}/o/{object}/compose`: the concatenation of up to 32 objects of the bucket,
 * what gcloud's parallel composite uploads finish with. Like GCS, the result has a CRC32C but no MD5 and
 * counts its components. Hashes in `destination` are ignored, as GCS does: gcloud sends the first
 * component's there, and checks the composite's CRC32C itself afterwards.
 */
export async function composeObject(ctx: TwinContext, request: TwinRequest): Promise<void> {
  if (ctx.faults.takeWriteFault()) throw serviceUnavailable();
  const { req, params, query } = request;
  const bucket = params.bucket ?? '';
  const name = checkObjectName(params.object);
  const body = await readJson(req);
  const sources = readSources(body.sourceObjects);
  const destination = isRecord(body.destination) ? body.destination : {};
  const conditions = readPreconditions(query);
  checkWrite(conditions, ctx.store.find(bucket, name));

  const records = sources.map((source) => sourceRecord(ctx, bucket, source));
  const temp = ctx.store.tempPath();
  try {
    const hashes = new ContentHashes();
    await writeFile(temp, ''); // an empty composition is an empty object
    for (const record of records) {
      // ENOENT: the source was replaced or deleted since it was looked up.
      const file = await ctx.store.openData(record).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        throw new GcsError(404, `Object ${record.name} (generation: ${record.generation}) not found.`, 'notFound');
      });
      await appendHashed(file.createReadStream(), temp, hashes); // the stream closes the file
    }
    const { size, crc32c } = hashes.digest();
    const componentCount = records.reduce((count, r) => count + (r.componentCount ?? 1), 0);
    const record = await ctx.store.commit(bucket, name, temp, { size, crc32c, componentCount }, writableFields(destination), conditions);
    const resource = objectResource(record, ctx.baseUrl);
    ctx.events.publish(resource);
    sendResource(request, 200, resource);
  } finally {
    await rm(temp, { force: true });
  }
}

function readSources(value: unknown): SourceObject[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('Required field sourceObjects is missing or empty.');
  if (value.length > MAX_SOURCES) {
    throw invalid(`The number of source components provided (${value.length}) exceeds the maximum (${MAX_SOURCES})`);
  }
  return value.map((item): SourceObject => {
    if (!isRecord(item) || typeof item.name !== 'string' || item.name === '') throw invalid('Required field sourceObjects.name is missing.');
    const preconditions = isRecord(item.objectPreconditions) ? item.objectPreconditions : {};
    return { name: item.name, generation: int64(item.generation, 'generation'), ifGenerationMatch: int64(preconditions.ifGenerationMatch, 'ifGenerationMatch') };
  });
}

function sourceRecord(ctx: TwinContext, bucket: string, source: SourceObject): ObjectRecord {
  const record = ctx.store.find(bucket, source.name);
  if (!record || (source.generation !== undefined && source.generation !== record.generation)) {
    throw new GcsError(404, `Object ${source.name} (generation: ${source.generation ?? '0'}) not found.`, 'notFound');
  }
  checkWrite({ ifGenerationMatch: source.ifGenerationMatch }, record);
  return record;
}

/** int64 fields arrive as decimal strings (or numbers from some clients). */
function int64(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if ((typeof value === 'string' && /^\d+$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return String(BigInt(value));
  throw invalid(`Invalid value for ${field}: ${String(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
