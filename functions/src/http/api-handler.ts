import FindMyWay from 'find-my-way';
import type { Request, Response } from '@google-cloud/functions-framework';
import { DomainError } from '../../../shared/errors';
import { EmptyQuery } from '../../../shared/schemas/api';
import { parseOrThrow } from '../../../shared/validation';
import type { Logger } from '../log';
import { requireRole, type Authenticator } from './auth';
import { defaultCacheControl, ERROR_CACHE_CONTROL } from './cache-policy';
import { encodeBytes, mergeVary, prepareReply, strongEtag, type ContentCoding } from './conditional-reply';
import { toErrorReply } from './error-status';
import { answerFrameworkErrorsAsJson } from './framework-errors';
import { readKey, SingleFlight } from './read-coalescer';
import { checkRequestBody } from './request-body';
import type { HttpMethod, Reply, Route, RouteContext } from './route';

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ApiHandlerDeps {
  routes: Route[];
  authenticator: Authenticator;
  corsOrigins: string[];
  log: Logger;
}

export type HttpHandler = (req: Request, res: Response) => Promise<void>;

/**
 * The API's front door: routing (404/405), CORS, authentication and role checks, then one route
 * handler; every failure leaves here as JSON with a stable code.
 */
export function createApiHandler({ routes, authenticator, corsOrigins, log }: ApiHandlerDeps): HttpHandler {
  // What the framework refuses before this handler runs (malformed JSON, bad paths) gets the same JSON errors.
  answerFrameworkErrorsAsJson();
  const router = FindMyWay<FindMyWay.HTTPVersion.V1>({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 300 });
  for (const route of routes) router.on(route.method, route.path, () => undefined, { route });
  const allowedOrigins = new Set(corsOrigins);

  const allowedMethods = (path: string) => METHODS.filter((m) => router.find(m, path) !== null);
  // Replies being computed for coalesced GETs; writes drop them so later reads start afresh.
  const reads = new SingleFlight<SerializedReply>();

  /** The route's reply, shared with identical requests in flight where the route allows it. */
  const replyOf = async (route: Route, ctx: RouteContext): Promise<SerializedReply | null> => {
    if (!route.coalesce || route.method !== 'GET') return serializeReply(await route.handle(ctx), { shared: false });
    return reads.run(readKey(route, ctx), async () => {
      const reply = await route.handle(ctx);
      // Callers that joined would wait for an answer that only the first one got.
      if (!reply) throw new Error(`${route.method} ${route.path} is coalesced but wrote its own response`);
      return serializeReply(reply, { shared: true })!;
    });
  };

  return async (req, res) => {
    const started = Date.now();
    const writes = WRITES.has(req.method);
    if (writes) reads.forgetAll();
    const path = req.path ?? new URL(req.url, 'http://x').pathname;
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    try {
      if (req.method === 'OPTIONS') {
        const methods = allowedMethods(path);
        if (methods.length === 0) throw new DomainError('ROUTE_NOT_FOUND', `No route ${path}`);
        res.setHeader('Access-Control-Allow-Methods', methods.join(', '));
        res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
      const match = router.find(req.method as HttpMethod, path);
      if (!match) {
        const methods = allowedMethods(path);
        if (methods.length === 0) throw new DomainError('ROUTE_NOT_FOUND', `No route ${req.method} ${path}`, { path });
        res.setHeader('Allow', methods.join(', '));
        throw new DomainError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`, { allowed: methods });
      }
      const { route } = match.store as { route: Route };
      const principal = route.role === 'public' ? null : await authenticator.authenticate(req.headers.authorization);
      if (principal && route.role !== 'public') requireRole(principal, route.role);
      checkRequestBody(req);
      const query = (req.query ?? {}) as Record<string, unknown>;
      // A route that documents no query parameters accepts none (its handler may not look).
      if (!route.doc.query) parseOrThrow(EmptyQuery, query, 'query');
      const reply = await replyOf(route, {
        req, res, principal,
        params: match.params as Record<string, string>,
        query,
        body: req.body,
      });
      if (reply) sendJsonReply(req, res, reply, { cacheControl: defaultCacheControl(route), authenticated: route.role !== 'public' });
      log.debug('request', { httpRequest: { requestMethod: req.method, requestUrl: req.originalUrl, status: res.statusCode, latency: `${(Date.now() - started) / 1000}s` } });
    } catch (error) {
      const reply = toErrorReply(error);
      if (reply.unexpected) log.error('request failed', { error, path, method: req.method });
      else if (reply.status >= 500) log.warn('request failed upstream', { code: reply.body.error.code, message: reply.body.error.message, path, method: req.method });
      if (res.headersSent) {
        res.destroy(error instanceof Error ? error : undefined);
        return;
      }
      res.setHeader('Cache-Control', ERROR_CACHE_CONTROL);
      res.status(reply.status).json(reply.body);
    } finally {
      // Again once the write is done: reads begun while it ran may not have seen it.
      if (writes) reads.forgetAll();
    }
  };
}

/** A route's JSON reply as bytes; a shared one also keeps its ETag and each coding, computed once. */
interface SerializedReply {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
  etag?: string;
  encode?: (bytes: Uint8Array, coding: Exclude<ContentCoding, 'identity'>) => Buffer;
}

function serializeReply(reply: Reply, { shared }: { shared: boolean }): SerializedReply | null {
  if (!reply) return null;
  const status = reply.status ?? 200;
  const bytes = Buffer.from(JSON.stringify(reply.body) ?? 'null');
  const serialized: SerializedReply = { status, headers: reply.headers ?? {}, bytes };
  if (!shared) return serialized;
  const encoded = new Map<ContentCoding, Buffer>();
  serialized.etag = strongEtag(bytes);
  serialized.encode = (b, coding) => encoded.get(coding) ?? encoded.set(coding, encodeBytes(b, coding)).get(coding)!;
  return serialized;
}

/**
 * A route's JSON reply with its caching headers: the route's own headers win (a `Cache-Control`
 * included), then the route class's Cache-Control; `Vary: Authorization` where the answer depends
 * on the caller; ETag/304 and compression by `prepareReply`.
 */
function sendJsonReply(req: Request, res: Response, reply: SerializedReply, opts: { cacheControl: string; authenticated: boolean }): void {
  for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
  if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', opts.cacheControl);
  const { status } = reply;
  if (status === 204) {
    res.status(204).end();
    return;
  }
  const vary = opts.authenticated ? mergeVary(res.getHeader('Vary'), 'Authorization') : res.getHeader('Vary');
  const prepared = prepareReply(
    { method: req.method, ifNoneMatch: req.headers['if-none-match'], acceptEncoding: req.headers['accept-encoding'] },
    { status, bytes: reply.bytes, compressible: true, ...(reply.etag && { etag: reply.etag }), ...(reply.encode && { encode: reply.encode }) },
    vary === undefined ? undefined : String(vary),
  );
  if (prepared.status !== 304) res.setHeader('Content-Type', 'application/json; charset=utf-8');
  for (const [k, v] of Object.entries(prepared.headers)) res.setHeader(k, v);
  res.status(prepared.status).end(prepared.body);
}
