import { z } from 'zod';
import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { Slug } from '../../../../shared/schemas/common';
import { ApprovalBody, ApprovalResult, PolicyBody, PromotionPolicy } from '../../../../shared/schemas/policy';
import type { VersionRefResolver } from '../../app/aliases';
import type { PromotionPolicies } from '../../app/promotion-policies';
import type { Route } from '../route';
import { AliasName, aliasVersionNumber } from './alias-routes';
import { actorOf } from './deployment-routes';

const PolicyChange = z.object({ changed: z.boolean(), policy: PromotionPolicy });

/** A family's promotion policy (`GET|PUT /api/families/{familyId}/policy`) and approvals of protected moves. */
export function policyRoutes(policies: PromotionPolicies, resolve: VersionRefResolver): Route[] {
  const family = (params: Record<string, string>) => parseOrThrow(Slug, params.familyId, 'params.familyId');
  const versionNumber = aliasVersionNumber(resolve);
  return [
    {
      method: 'GET', path: '/api/families/:familyId/policy', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getPolicy', summary: "The family's promotion policy: what each protected alias requires",
        params: { familyId: Slug }, query: EmptyQuery, responses: { 200: { description: 'The policy (revision 0: none declared)', schema: PromotionPolicy } },
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await policies.get(family(params)) };
      },
    },
    {
      method: 'PUT', path: '/api/families/:familyId/policy', role: 'deployer',
      doc: {
        operationId: 'putPolicy', summary: "Replace the family's promotion policy (audited with before and after)",
        params: { familyId: Slug }, query: EmptyQuery, body: PolicyBody,
        responses: { 200: { description: 'The policy now', schema: PolicyChange } }, errors: ['NOT_FOUND', 'VERSION_MISMATCH'],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const familyId = family(params);
        return { body: await policies.put(familyId, parseOrThrow(PolicyBody, body ?? {}, 'body'), actorOf(principal)) };
      },
    },
    {
      method: 'POST', path: '/api/families/:familyId/aliases/:alias/approvals', role: 'deployer',
      doc: {
        operationId: 'approveAliasMove', summary: 'Approve moving a protected alias to a version (one approval per deployer, audited)',
        params: { familyId: Slug, alias: AliasName }, query: EmptyQuery, body: ApprovalBody,
        responses: { 200: { description: 'Every approval of that move', schema: ApprovalResult } }, errors: ['NOT_FOUND', 'CONFLICT'],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const familyId = family(params);
        const request = parseOrThrow(ApprovalBody, body ?? {}, 'body');
        const version = await versionNumber(familyId, request.version, 'body.version');
        return { body: await policies.approve(familyId, params.alias!, version, actorOf(principal), request.reason ?? null) };
      },
    },
  ];
}
