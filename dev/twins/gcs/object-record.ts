import { invalid } from './errors';

/** What the twin stores about an object (the sidecar JSON). int64 fields are strings, as in the JSON API. */
export interface ObjectRecord {
  bucket: string;
  name: string;
  generation: string;
  metageneration: string;
  size: string;
  contentType: string;
  /** Composite objects have none (GCS cannot combine MD5s). */
  md5Hash?: string;
  crc32c: string;
  /** Composite objects only: how many non-composite objects they are made of. */
  componentCount?: number;
  timeCreated: string;
  updated: string;
  storageClass: string;
  metadata?: Record<string, string>;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
}

/** The user-settable fields accepted from upload metadata, patch and rewrite bodies. */
export const WRITABLE_FIELDS = [
  'contentType',
  'metadata',
  'cacheControl',
  'contentDisposition',
  'contentEncoding',
  'contentLanguage',
] as const;

export type WritableFields = Partial<Pick<ObjectRecord, (typeof WRITABLE_FIELDS)[number]>>;

/** Picks the writable fields out of a client-sent JSON body; other fields (name, bucket, hashes...) are not the client's to set. */
export function writableFields(body: Record<string, unknown>): WritableFields {
  const fields: WritableFields = {};
  for (const key of WRITABLE_FIELDS) {
    const value = body[key];
    if (key === 'metadata') {
      if (value && typeof value === 'object') fields.metadata = stringValues(value as Record<string, unknown>);
    } else if (typeof value === 'string') {
      fields[key] = value;
    }
  }
  return fields;
}

/** Custom metadata values are strings on the wire; the client may send numbers or booleans. */
function stringValues(record: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) if (value !== null && value !== undefined) out[key] = String(value);
  return out;
}

/** The JSON API's object resource, as answered by GET and carried as the body of a finalized CloudEvent. */
export interface ObjectResource extends ObjectRecord {
  kind: 'storage#object';
  id: string;
  selfLink: string;
  mediaLink: string;
  etag: string;
  timeStorageClassUpdated: string;
}

export function objectResource(record: ObjectRecord, baseUrl: string): ObjectResource {
  const bucket = encodeURIComponent(record.bucket);
  const name = encodeURIComponent(record.name);
  return {
    kind: 'storage#object',
    id: `${record.bucket}/${record.name}/${record.generation}`,
    selfLink: `${baseUrl}/storage/v1/b/${bucket}/o/${name}`,
    mediaLink: `${baseUrl}/download/storage/v1/b/${bucket}/o/${name}?generation=${record.generation}&alt=media`,
    ...record,
    etag: objectEtag(record),
    timeStorageClassUpdated: record.timeCreated,
  };
}

/** Opaque, changes with every generation and metageneration (like GCS's). */
export function objectEtag(record: Pick<ObjectRecord, 'generation' | 'metageneration'>): string {
  return Buffer.from(`${record.generation}/${record.metageneration}`).toString('base64');
}

/** PATCH semantics: present fields replace, `null` clears; custom metadata merges key by key (a null value removes a key). */
export function applyPatch(record: ObjectRecord, body: Record<string, unknown>): ObjectRecord {
  const next: ObjectRecord = { ...record };
  for (const key of WRITABLE_FIELDS) {
    if (!(key in body)) continue;
    const value = body[key];
    if (key === 'metadata') {
      if (value === null) delete next.metadata;
      else if (typeof value === 'object') next.metadata = mergeMetadata(record.metadata, value as Record<string, unknown>);
    } else if (value === null) {
      if (key === 'contentType') next.contentType = 'application/octet-stream';
      else delete next[key];
    } else if (typeof value === 'string') {
      next[key] = value;
    }
  }
  return next;
}

function mergeMetadata(current: Record<string, string> | undefined, changes: Record<string, unknown>): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined) delete merged[key];
    else merged[key] = String(value);
  }
  return merged;
}

/** GCS's naming rules that the twin enforces: 1-1024 UTF-8 bytes, no CR/LF, not "." or "..". */
export function checkObjectName(name: string | null | undefined): string {
  if (!name) throw invalid('Required object name is missing.');
  if (Buffer.byteLength(name) > 1024 || /[\r\n]/.test(name) || name === '.' || name === '..') {
    throw invalid(`The object name '${name}' is invalid.`);
  }
  return name;
}
