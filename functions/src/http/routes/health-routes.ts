import type { Route } from '../route';

/** Liveness for load balancers and the local stack; public and free of I/O. */
export function healthRoutes(): Route[] {
  return [{ method: 'GET', path: '/api/health', role: 'public', handle: async () => ({ body: { ok: true } }) }];
}
