import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, ValidationError } from '../../../shared/errors';
import { toErrorReply } from './error-status';

type Done = (error?: unknown) => void;
interface ExpressApp { get(setting: string): unknown }
type Handle = (this: ExpressApp, req: IncomingMessage, res: ServerResponse, callback?: Done) => void;
type FinalHandler = (req: IncomingMessage, res: ServerResponse, options: { env: unknown }) => Done;

let installed = false;

/**
 * The functions framework parses bodies (body-parser) and decodes paths (Express's router) before
 * the function runs, and answers their failures with Express's HTML error page: no error code, no
 * field path. This gives the framework's Express app a final handler that answers them as the API
 * answers everything else. Express's `app.handle` is the only seam (the framework creates the app
 * itself). Idempotent; any other error still reaches Express's own final handler.
 */
export function answerFrameworkErrorsAsJson(): void {
  if (installed) return;
  installed = true;
  // The framework's own Express and its final handler, wherever npm placed them.
  const requireFromFramework = createRequire(require.resolve('@google-cloud/functions-framework'));
  const expressPath = requireFromFramework.resolve('express');
  const application = (requireFromFramework('express') as { application: { handle: Handle } }).application;
  const finalHandler = createRequire(expressPath)('finalhandler') as FinalHandler;
  const original = application.handle;
  application.handle = function handle(req, res, callback) {
    if (callback) return original.call(this, req, res, callback);
    const fallback = finalHandler(req, res, { env: this.get('env') });
    return original.call(this, req, res, (error?: unknown) => {
      const refusal = error === undefined || res.headersSent ? null : asRefusal(error);
      if (!refusal) return fallback(error);
      const reply = toErrorReply(refusal);
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(reply.body));
    });
  };
}

/** A framework failure that is the client's fault, as the API's error; null for anything else. */
function asRefusal(error: unknown): DomainError | null {
  const e = error as { status?: unknown; type?: unknown; message?: unknown; charset?: unknown; encoding?: unknown };
  const status = typeof e?.status === 'number' ? e.status : 0;
  if (status < 400 || status >= 500) return null;
  if (error instanceof URIError) return new ValidationError([{ path: 'path', message: 'contains malformed percent-encoding' }]);
  const message = String(e.message ?? 'could not be read');
  switch (e.type) {
    case 'entity.parse.failed':
      return new ValidationError([{ path: 'body', message: `is not a JSON object or array (${message})` }]);
    case 'entity.too.large':
      return new DomainError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    case 'charset.unsupported':
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as UTF-8 JSON', { charset: e.charset ?? null });
    case 'encoding.unsupported':
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'The request body has a Content-Encoding the API does not accept', { encoding: e.encoding ?? null });
    default:
      return new ValidationError([{ path: 'body', message: `could not be read (${message})` }]);
  }
}
