import { z } from 'zod';
import { parseOrThrow } from '../../../../shared/validation';
import { toVersionView } from '../../../../shared/domain/version-view';
import { EmptyQuery } from '../../../../shared/schemas/api';
import type { VersionRefResolver } from '../../app/aliases';
import type { MirrorRetry } from '../../app/retry-mirror';
import type { Route } from '../route';

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'is not a training run id');
const EmptyBody = z.union([z.undefined(), z.strictObject({})]);

/**
 * Retries of a failed (or abandoned) Vertex AI mirror at once, without waiting for the minute job:
 * seed 000's `POST /api/training-runs/{id}/register` (bug #4) by training run, and
 * `POST /api/models/{id}/mirror` for any version (promoted ones have no run).
 */
export function mirrorRoutes(retry: MirrorRetry, resolve: VersionRefResolver): Route[] {
  return [
    {
      method: 'POST', path: '/api/training-runs/:id/register', role: 'editor',
      async handle({ params, query, body }) {
        parseOrThrow(EmptyQuery, query, 'query');
        parseOrThrow(EmptyBody, isEmptyBody(body) ? undefined : body, 'body');
        const version = await retry.retry(parseOrThrow(RunId, params.id, 'params.id'));
        return { body: toVersionView(version) };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/mirror', role: 'editor',
      async handle({ params, query, body }) {
        parseOrThrow(EmptyQuery, query, 'query');
        parseOrThrow(EmptyBody, isEmptyBody(body) ? undefined : body, 'body');
        return { body: toVersionView(await retry.retryVersion(await resolve(params.id!))) };
      },
    },
  ];
}

/** The functions framework hands an empty object or buffer when no body was sent. */
function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  if (Buffer.isBuffer(body)) return body.length === 0;
  return typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0;
}
