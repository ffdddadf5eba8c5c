import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { AuditCheckpointsResponse, AuditPage, AuditQuery } from '../../../../shared/schemas/audit';
import type { AuditTrail } from '../../app/audit-trail';
import type { Route } from '../route';

/** `GET /api/audit` (filters, cursor) and `GET /api/audit/checkpoints` (the signed chain heads, for `verify --audit`). */
export function auditRoutes(trail: AuditTrail): Route[] {
  return [
    {
      method: 'GET', path: '/api/audit', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'listAudit', summary: 'The audit trail: every alias move, approval, refusal, deploy, archive, delete and policy change, newest first',
        description: 'Filter by `family`, `actor` (email) and `kind`; `order=asc` pages the whole chain from its first record (what the verifier reads).',
        query: AuditQuery, responses: { 200: { description: 'A page of audit records', schema: AuditPage } },
      },
      async handle({ query }) {
        return { body: await trail.list(parseOrThrow(AuditQuery, query, 'query')) };
      },
    },
    {
      method: 'GET', path: '/api/audit/checkpoints', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'listAuditCheckpoints', summary: 'The chain head and every KMS-signed checkpoint of it',
        query: EmptyQuery, responses: { 200: { description: 'Head and checkpoints, oldest first', schema: AuditCheckpointsResponse } },
      },
      async handle({ query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await trail.checkpoints() };
      },
    },
  ];
}
