import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GcsError, invalid } from './errors';
import { parseFieldSelection, selectFields } from './partial-response';

export interface TwinRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Decoded path parameters (object names arrive percent-encoded, '/' as %2F). */
  params: Record<string, string | undefined>;
  query: URLSearchParams;
}

export type Handler = (request: TwinRequest) => Promise<void>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A successful JSON answer, cut down to what `fields=` selects when the request has it. */
export function sendResource({ res, query }: Pick<TwinRequest, 'res' | 'query'>, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const fields = query.get('fields');
  sendJson(res, status, !fields ? body : selectFields(body, parseFieldSelection(fields)), headers);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

/** Answers an error the way GCS does; unexpected errors become a logged 500. */
export function sendError(res: ServerResponse, err: unknown, log: (line: string) => void): void {
  if (res.headersSent) {
    res.destroy(); // mid-body: cutting the connection is the only honest signal left
    return;
  }
  if (err instanceof GcsError) {
    if (err.status === 304) sendEmpty(res, 304);
    else sendJson(res, err.status, err.body(), err.headers);
    return;
  }
  log(`gcs twin: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  sendJson(res, 500, new GcsError(500, 'Internal error in the GCS twin.', 'backendError').body());
}

/**
 * A request's body as stored: a `Content-Encoding: gzip` body (gcloud's --gzip-in-flight, gsutil -j/-J)
 * is inflated, as GCS does; the object holds the uncompressed bytes.
 */
export function requestBody(req: IncomingMessage): AsyncIterable<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return req;
  if (encoding === 'gzip') return inflated(req);
  throw invalid(`Unsupported Content-Encoding: ${encoding}`);
}

async function* inflated(req: IncomingMessage): AsyncGenerator<Buffer> {
  const gunzip = pipeline(req, createGunzip(), () => undefined); // errors surface on the iteration below
  try {
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw invalid('The request body is not valid gzip.');
    throw err;
  }
}

const JSON_LIMIT = 1024 * 1024;

/** A small JSON request body (metadata); an empty body is `{}`. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of requestBody(req)) {
    size += chunk.length;
    if (size > JSON_LIMIT) throw invalid('Request body too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('Parse Error: the request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** A non-negative integer query parameter, or undefined when absent. */
export function integerParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw invalid(`Invalid value for ${name}: ${value}`);
  return Number(value);
}

/** A boolean query parameter (`true`/`false`, any case, as Google's APIs accept), or undefined when absent. */
export function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new GcsError(400, `Invalid boolean value for ${name}: ${value}`, 'invalidParameter', { locationType: 'parameter', location: name });
}
