import { parseOrThrow } from '../../../../shared/validation';
import { toVersionView } from '../../../../shared/domain/version-view';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { CreateFamilyRequest, ListFamiliesQuery, PromoteRequest } from '../../../../shared/schemas/artifact-api';
import { Slug } from '../../../../shared/schemas/common';
import { Family } from '../../../../shared/schemas/family';
import { FamilyDetailSchema, ListFamiliesResponseSchema, ModelVersionViewSchema } from '../../../../shared/schemas/responses';
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
      doc: {
        operationId: 'createFamily', summary: 'Create a model family',
        query: EmptyQuery, body: CreateFamilyRequest, responses: { 201: { description: 'The family', schema: Family }  }, errors: ['ALREADY_EXISTS'],
      },
      async handle({ query, body }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const created = await families.create(parseOrThrow(CreateFamilyRequest, body ?? {}, 'body'));
        return { status: 201, body: created, headers: { Location: `/api/families/${created.id}` } };
      },
    },
    {
      method: 'GET', path: '/api/families', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'listFamilies', summary: 'List model families',
        query: ListFamiliesQuery, responses: { 200: { description: 'A page of families', schema: ListFamiliesResponseSchema }  },
      },
      async handle({ query }) {
        const q = parseOrThrow(ListFamiliesQuery, query, 'query');
        return { body: await families.list(q.page_size, q.cursor) };
      },
    },
    {
      method: 'GET', path: '/api/families/:familyId', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getFamily', summary: 'One family with its version count and latest version',
        params: { familyId: Slug }, query: EmptyQuery, responses: { 200: { description: 'The family', schema: FamilyDetailSchema }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await families.get(family(params)) };
      },
    },
    {
      // `::` is find-my-way's escape for a literal `:` (AIP-136 custom method).
      method: 'POST', path: '/api/families/:familyId/versions::promote', role: 'editor',
      doc: {
        operationId: 'promoteVersion', summary: 'Register a new immutable version from a directory in the pushes bucket',
        params: { familyId: Slug }, query: EmptyQuery, body: PromoteRequest, responses: { 201: { description: 'The new version', schema: ModelVersionViewSchema }, 200: { description: 'The same request was already promoted: that version', schema: ModelVersionViewSchema }  }, errors: ['NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE'],
      },
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
