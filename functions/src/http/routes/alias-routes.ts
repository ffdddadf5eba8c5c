import { z } from 'zod';
import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { Slug } from '../../../../shared/schemas/common';
import { AliasMoveRequest } from '../../../../shared/schemas/deployment';
import type { AliasService } from '../../app/aliases';
import type { Route } from '../route';
import { actorOf } from './deployment-routes';

const RemoveAliasQuery = z.strictObject({
  expectedVersion: z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), z.coerce.number().int().positive()).optional(),
});

/** Family aliases: `PUT|DELETE /api/families/{familyId}/aliases/{alias}`, `GET /api/families/{familyId}/aliases`. */
export function aliasRoutes(aliases: AliasService): Route[] {
  const family = (params: Record<string, string>) => parseOrThrow(Slug, params.familyId, 'params.familyId');
  return [
    {
      method: 'GET', path: '/api/families/:familyId/aliases', role: 'viewer',
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const familyId = family(params);
        const [items, history] = await Promise.all([aliases.list(familyId), aliases.history(familyId)]);
        return { body: { familyId, aliases: items, history } };
      },
    },
    {
      method: 'PUT', path: '/api/families/:familyId/aliases/:alias', role: 'editor',
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const request = parseOrThrow(AliasMoveRequest, body ?? {}, 'body');
        return { body: await aliases.move(family(params), params.alias!, request, actorOf(principal)) };
      },
    },
    {
      method: 'DELETE', path: '/api/families/:familyId/aliases/:alias', role: 'editor',
      async handle({ params, query, principal }) {
        const q = parseOrThrow(RemoveAliasQuery, query, 'query');
        return { body: await aliases.remove(family(params), params.alias!, q.expectedVersion, actorOf(principal)) };
      },
    },
  ];
}
