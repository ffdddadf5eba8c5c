import { z } from 'zod';
import { parseOrThrow } from '../../../../shared/validation';
import { toVersionView } from '../../../../shared/domain/version-view';
import { EmptyQuery } from '../../../../shared/schemas/api';
import type { MirrorRetry } from '../../app/retry-mirror';
import type { Route } from '../route';

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'is not a training run id');
const EmptyBody = z.union([z.undefined(), z.strictObject({})]);

/**
 * Seed 000, bug #4: `POST /api/training-runs/{id}/register` retries the Vertex AI registration of a
 * run whose version exists but whose mirror failed (or never finished).
 */
export function trainingRunRoutes(retry: MirrorRetry): Route[] {
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
  ];
}

/** The functions framework hands an empty object or buffer when no body was sent. */
function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  if (Buffer.isBuffer(body)) return body.length === 0;
  return typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0;
}
