import { parseOrThrow } from '../../../../shared/validation';
import { toVersionView } from '../../../../shared/domain/version-view';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { CreateFamilyRequest, ListFamiliesQuery, PromoteRequest } from '../../../../shared/schemas/artifact-api';
import { Slug } from '../../../../shared/schemas/common';
import type { FamilyService } from '../../app/families';
import type { VersionPromotion } from '../../app/promote-version';
import type { Route } from '../route';
import { actorOf } from './deployment-routes';

/**
 * Families and promotion (seed 003): `POST|GET /api/families`, `GET /api/families/{familyId}`,
 * `POST /api/families/{familyId}/versions:promote`.
 */
export function familyRoutes(families: FamilyService, promotion: VersionPromotion): Route[] {
  const family = (params: Record<string, string>) => parseOrThrow(Slug, params.familyId, 'params.familyId');
  return [
    {
      method: 'POST', path: '/api/families', role: 'editor',
      async handle({ query, body }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const created = await families.create(parseOrThrow(CreateFamilyRequest, body ?? {}, 'body'));
        return { status: 201, body: created, headers: { Location: `/api/families/${created.id}` } };
      },
    },
    {
      method: 'GET', path: '/api/families', role: 'viewer',
      async handle({ query }) {
        const q = parseOrThrow(ListFamiliesQuery, query, 'query');
        return { body: await families.list(q.page_size, q.cursor) };
      },
    },
    {
      method: 'GET', path: '/api/families/:familyId', role: 'viewer',
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await families.get(family(params)) };
      },
    },
    {
      // `::` is find-my-way's escape for a literal `:` (AIP-136 custom method).
      method: 'POST', path: '/api/families/:familyId/versions::promote', role: 'editor',
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const familyId = family(params);
        const request = parseOrThrow(PromoteRequest, body ?? {}, 'body');
        const { created, version } = await promotion.promote(familyId, request, actorOf(principal));
        return { status: created ? 201 : 200, body: toVersionView(version), headers: { Location: `/api/models/${version.id}` } };
      },
    },
  ];
}
