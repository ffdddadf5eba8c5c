import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { RoleChangeResult, RoleEmail, RoleGrantBody, RoleListResponse } from '../../../../shared/schemas/roles';
import type { FirestoreRoleGrants } from '../../adapters/firestore/role-grants';
import type { Route } from '../route';
import { actorOf } from './deployment-routes';

export type RoleGrantStore = Pick<FirestoreRoleGrants, 'set' | 'list'>;

/**
 * Role grants kept in Firestore (`roles/{email}`): deployers, the highest role, grant and revoke
 * them (they can grant no more than they have); each change is audited (`role.changed`).
 */
export function roleRoutes(grants: RoleGrantStore): Route[] {
  return [
    {
      method: 'GET', path: '/api/roles', role: 'deployer', coalesce: 'any-caller',
      doc: {
        operationId: 'listRoles', summary: 'Roles granted in Firestore (ROLE_BINDINGS, being configuration, are not listed)',
        query: EmptyQuery, responses: { 200: { description: 'Every grant', schema: RoleListResponse } },
      },
      async handle({ query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: { grants: await grants.list() } };
      },
    },
    {
      method: 'PUT', path: '/api/roles/:email', role: 'deployer',
      doc: {
        operationId: 'grantRole', summary: 'Grant a role to an email (audited)',
        params: { email: RoleEmail }, query: EmptyQuery, body: RoleGrantBody,
        responses: { 200: { description: 'The grant', schema: RoleChangeResult } },
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const email = parseOrThrow(RoleEmail, params.email, 'params.email');
        const request = parseOrThrow(RoleGrantBody, body ?? {}, 'body');
        return { body: await grants.set({ email, role: request.role, actor: actorOf(principal), reason: request.reason ?? null }) };
      },
    },
    {
      method: 'DELETE', path: '/api/roles/:email', role: 'deployer',
      doc: {
        operationId: 'revokeRole', summary: "Revoke an email's Firestore role (audited)",
        params: { email: RoleEmail }, query: EmptyQuery,
        responses: { 200: { description: 'What was revoked', schema: RoleChangeResult } },
      },
      async handle({ params, query, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const email = parseOrThrow(RoleEmail, params.email, 'params.email');
        return { body: await grants.set({ email, role: null, actor: actorOf(principal), reason: null }) };
      },
    },
  ];
}
