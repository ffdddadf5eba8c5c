import { z } from 'zod';
import { parseOrThrow } from '../../../../shared/validation';
import { toVersionView } from '../../../../shared/domain/version-view';
import { EmptyQuery, VersionRefParam } from '../../../../shared/schemas/api';
import { ModelVersionViewSchema } from '../../../../shared/schemas/responses';
import type { VersionRefResolver } from '../../app/aliases';
import type { MirrorRetry } from '../../app/retry-mirror';
import type { Route } from '../route';

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'is not a training run id');
const NoFields = z.strictObject({});
const EmptyBody = z.union([z.undefined(), NoFields]);

/**
 * Retries of a failed (or abandoned) Vertex AI mirror at once, without waiting for the minute job:
 * seed 000's `POST /api/training-runs/{id}/register` (bug #4) by training run, and
 * `POST /api/models/{id}/mirror` for any version (promoted ones have no run).
 */
export function mirrorRoutes(retry: MirrorRetry, resolve: VersionRefResolver): Route[] {
  return [
    {
      method: 'POST', path: '/api/training-runs/:id/register', role: 'editor',
      doc: {
        operationId: 'retryRunRegistration', summary: "Retry the Vertex AI registration of a training run's version now",
        params: { id: RunId }, query: EmptyQuery, body: NoFields, bodyOptional: true, responses: { 200: { description: 'The version, mirrored', schema: ModelVersionViewSchema }  }, errors: ['NOT_FOUND', 'CONFLICT', 'ALREADY_EXISTS'],
      },
      async handle({ params, query, body }) {
        parseOrThrow(EmptyQuery, query, 'query');
        parseOrThrow(EmptyBody, isEmptyBody(body) ? undefined : body, 'body');
        const version = await retry.retry(parseOrThrow(RunId, params.id, 'params.id'));
        return { body: toVersionView(version) };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/mirror', role: 'editor',
      doc: {
        operationId: 'retryMirror', summary: 'Retry the Vertex AI registration of a version now',
        params: { id: VersionRefParam }, query: EmptyQuery, body: NoFields, bodyOptional: true, responses: { 200: { description: 'The version, mirrored', schema: ModelVersionViewSchema }  }, errors: ['NOT_FOUND', 'CONFLICT', 'ALREADY_EXISTS'],
      },
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
