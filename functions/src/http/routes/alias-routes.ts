import { z } from 'zod';
import { ValidationError } from '../../../../shared/errors';
import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { Slug } from '../../../../shared/schemas/common';
import { AliasMoveBody } from '../../../../shared/schemas/deployment';
import { AliasListResponseSchema, AliasResultSchema } from '../../../../shared/schemas/responses';
import { bareVersionNumber, parseVersionRef, versionNumberIn } from '../../../../shared/domain/version-ref';
import type { AliasService, VersionRefResolver } from '../../app/aliases';
import type { Route } from '../route';
import { actorOf } from './deployment-routes';

const RemoveAliasQuery = z.strictObject({
  expectedVersion: z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), z.string().min(1).max(200)).optional(),
  /** Why (audit trail). */
  reason: z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), z.string().trim().min(1).max(500)).optional(),
});

/** Family aliases: `PUT|DELETE /api/families/{familyId}/aliases/{alias}`, `GET /api/families/{familyId}/aliases`. */
export const AliasName = z.string().min(1).max(63).describe('An alias name such as `prod` or `staging`');

/**
 * The family's version number a caller gave: a number (the family is in the path), or the same
 * references every route that takes a version accepts, so `v2` and `recs-prod-v2` work here too.
 */
export function aliasVersionNumber(resolve: VersionRefResolver) {
  return async (familyId: string, input: number | string, path: string): Promise<number> => {
    if (typeof input === 'number') return input;
    const bare = bareVersionNumber(input);
    if (bare !== null) return bare;
    if (!parseVersionRef(input)) {
      throw new ValidationError([{ path, message: 'is not a version (expected <n>, v<n>, <family>-v<n>, <family>@v<n> or <family>@<alias>)' }]);
    }
    const id = await resolve(input, path);
    const number = versionNumberIn(familyId, id);
    if (number === null) throw new ValidationError([{ path, message: `names ${id}, which is not a version of ${familyId}` }]);
    return number;
  };
}

export function aliasRoutes(aliases: AliasService, resolve: VersionRefResolver): Route[] {
  const family = (params: Record<string, string>) => parseOrThrow(Slug, params.familyId, 'params.familyId');
  const versionNumber = aliasVersionNumber(resolve);
  return [
    {
      method: 'GET', path: '/api/families/:familyId/aliases', role: 'viewer', coalesce: 'any-caller',
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
        params: { familyId: Slug, alias: AliasName }, query: EmptyQuery, body: AliasMoveBody, responses: { 200: { description: 'The alias after the move', schema: AliasResultSchema }  }, errors: ['NOT_FOUND', 'VERSION_MISMATCH', 'CONFLICT', 'POLICY_FAILED'],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const familyId = family(params);
        const request = parseOrThrow(AliasMoveBody, body ?? {}, 'body');
        const version = await versionNumber(familyId, request.version, 'body.version');
        const expectedVersion = request.expectedVersion == null
          ? request.expectedVersion
          : await versionNumber(familyId, request.expectedVersion, 'body.expectedVersion');
        return { body: await aliases.move(familyId, params.alias!, { version, expectedVersion, ...(request.reason && { reason: request.reason }) }, actorOf(principal)) };
      },
    },
    {
      method: 'DELETE', path: '/api/families/:familyId/aliases/:alias', role: 'editor',
      doc: {
        operationId: 'removeAlias', summary: 'Remove an alias',
        params: { familyId: Slug, alias: AliasName }, query: RemoveAliasQuery, responses: { 200: { description: 'What was removed', schema: AliasResultSchema }  }, errors: ['NOT_FOUND', 'VERSION_MISMATCH', 'POLICY_FAILED'],
      },
      async handle({ params, query, principal }) {
        const q = parseOrThrow(RemoveAliasQuery, query, 'query');
        const familyId = family(params);
        const expectedVersion = q.expectedVersion === undefined ? undefined : await versionNumber(familyId, q.expectedVersion, 'query.expectedVersion');
        return { body: await aliases.remove(familyId, params.alias!, expectedVersion, actorOf(principal), q.reason ?? null) };
      },
    },
  ];
}
