import { z } from 'zod';
import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { Slug } from '../../../../shared/schemas/common';
import { AliasMoveRequest } from '../../../../shared/schemas/deployment';
import { AliasListResponseSchema, AliasResultSchema } from '../../../../shared/schemas/responses';
import type { AliasService } from '../../app/aliases';
import type { Route } from '../route';
import { actorOf } from './deployment-routes';

const RemoveAliasQuery = z.strictObject({
  expectedVersion: z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), z.coerce.number().int().positive()).optional(),
});

/** Family aliases: `PUT|DELETE /api/families/{familyId}/aliases/{alias}`, `GET /api/families/{familyId}/aliases`. */
const AliasName = z.string().min(1).max(63).describe('An alias name such as `prod` or `staging`');

export function aliasRoutes(aliases: AliasService): Route[] {
  const family = (params: Record<string, string>) => parseOrThrow(Slug, params.familyId, 'params.familyId');
  return [
    {
      method: 'GET', path: '/api/families/:familyId/aliases', role: 'viewer',
      doc: {
        operationId: 'listAliases', summary: "A family's aliases and their history",
        params: { familyId: Slug }, query: EmptyQuery, responses: { 200: { description: 'Aliases and moves', schema: AliasListResponseSchema }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const familyId = family(params);
        const [items, history] = await Promise.all([aliases.list(familyId), aliases.history(familyId)]);
        return { body: { familyId, aliases: items, history } };
      },
    },
    {
      method: 'PUT', path: '/api/families/:familyId/aliases/:alias', role: 'editor',
      doc: {
        operationId: 'setAlias', summary: 'Point an alias at a version (with expectedVersion: only if it still names that one)',
        params: { familyId: Slug, alias: AliasName }, query: EmptyQuery, body: AliasMoveRequest, responses: { 200: { description: 'The alias after the move', schema: AliasResultSchema }  }, errors: ['NOT_FOUND', 'VERSION_MISMATCH', 'CONFLICT'],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const request = parseOrThrow(AliasMoveRequest, body ?? {}, 'body');
        return { body: await aliases.move(family(params), params.alias!, request, actorOf(principal)) };
      },
    },
    {
      method: 'DELETE', path: '/api/families/:familyId/aliases/:alias', role: 'editor',
      doc: {
        operationId: 'removeAlias', summary: 'Remove an alias',
        params: { familyId: Slug, alias: AliasName }, query: RemoveAliasQuery, responses: { 200: { description: 'What was removed', schema: AliasResultSchema }  }, errors: ['NOT_FOUND', 'VERSION_MISMATCH'],
      },
      async handle({ params, query, principal }) {
        const q = parseOrThrow(RemoveAliasQuery, query, 'query');
        return { body: await aliases.remove(family(params), params.alias!, q.expectedVersion, actorOf(principal)) };
      },
    },
  ];
}
