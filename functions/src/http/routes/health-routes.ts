import { HealthResponseSchema } from '../../../../shared/schemas/responses';
import type { Route } from '../route';

/** Liveness for load balancers and the local stack; public and free of I/O. */
export function healthRoutes(): Route[] {
  return [{
    method: 'GET', path: '/api/health', role: 'public',
    doc: { operationId: 'health', summary: 'Liveness', responses: { 200: { description: 'Up', schema: HealthResponseSchema } } },
    // A stored answer would say nothing about now.
    handle: async () => ({ body: { ok: true }, headers: { 'Cache-Control': 'no-store' } }),
  }];
}
