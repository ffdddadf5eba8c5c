import type { Request, Response } from '@google-cloud/functions-framework';
import type { LoadedApi } from './api-load';
import { START_DELAY_MS } from '../lazy-function';

/**
 * The deployed `api` function. Its routes, schemas and use cases are loaded right after the
 * instance starts listening rather than before, so a new instance is up as fast as a bare
 * function; `/api/health` (no I/O) answers without waiting for them. A bad configuration still
 * stops the instance at start: the load begins at once and exits on a config error.
 */
let loaded: Promise<LoadedApi> | undefined;

function loadApi(): Promise<LoadedApi> {
  return (loaded ??= Promise.resolve().then(() => (require('./api-load') as typeof import('./api-load')).loadApi(process.env)));
}

export async function api(req: Request, res: Response): Promise<void> {
  if (req.method === 'GET' && (req.path === '/api/health' || req.path === '/api/health/')) {
    res.status(200).json({ ok: true });
    return;
  }
  return (await loadApi()).handler(req, res);
}

if (process.env.FUNCTION_TARGET === 'api') {
  // Before the first request: the framework refuses malformed bodies before `api` is called (light module).
  (require('../http/framework-errors') as typeof import('../http/framework-errors')).answerFrameworkErrorsAsJson();
  // Shortly after the framework starts listening (it does so right after loading this module).
  setTimeout(() => {
    loadApi().then(
      // Then the Firestore client (~⅓ of a first list's cost), if no request has needed it yet. This
      // only shortens a first request that arrives later than this; one that triggered the
      // instance's start is usually already waiting, and shares the same load.
      (api) => api.warmFirestore().catch((error: unknown) => {
        console.error(JSON.stringify({ severity: 'WARNING', message: `api: Firestore client not created at start: ${error instanceof Error ? error.message : error}` }));
      }),
      (error: unknown) => {
        console.error(JSON.stringify({ severity: 'CRITICAL', message: `api: cannot start: ${error instanceof Error ? error.message : error}` }));
        process.exit(1);
      },
    );
  }, START_DELAY_MS);
}
