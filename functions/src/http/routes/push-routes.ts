import { z } from 'zod';
import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, PageQuery } from '../../../../shared/schemas/api';
import { PushRecord } from '../../../../shared/schemas/push-record';
import { PushPageSchema } from '../../../../shared/schemas/responses';
import type { PushHistory } from '../../app/push-history';
import type { Route } from '../route';

/**
 * `<run_id>:<version dir>` for pushes that followed the layout; one path segment in any case, and never
 * a name Firestore reserves (`.`, `..`, `__…__`), so that a lookup can only find a push or nothing.
 */
export const PushIdParam = z.string().min(1).max(300)
  .regex(/^(?!\.\.?$)(?!__.*__$)[^/\u0000-\u001f]+$/, 'is not a push id (expected <run_id>:<version dir>)');

/** `GET /api/pushes` (newest first) and `GET /api/pushes/{pushId}`: what became of each push. */
export function pushRoutes(history: PushHistory): Route[] {
  return [
    {
      method: 'GET', path: '/api/pushes', role: 'editor', coalesce: 'any-caller',
      doc: {
        operationId: 'listPushes', summary: 'Pushed directories, newest first: registered, refused (with the reason) or registering',
        query: PageQuery, responses: { 200: { description: 'A page of pushes', schema: PushPageSchema } },
      },
      async handle({ query }) {
        const q = parseOrThrow(PageQuery, query, 'query');
        return { body: await history.list(q.page_size, q.cursor) };
      },
    },
    {
      method: 'GET', path: '/api/pushes/:pushId', role: 'editor', coalesce: 'any-caller',
      doc: {
        operationId: 'getPush', summary: 'What became of one pushed directory',
        params: { pushId: PushIdParam }, query: EmptyQuery,
        responses: { 200: { description: 'The push', schema: PushRecord } }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await history.get(parseOrThrow(PushIdParam, params.pushId, 'params.pushId')) };
      },
    },
  ];
}
