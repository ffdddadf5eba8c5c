import type { Route } from './route';

/**
 * The Cache-Control a route's replies get unless the route sets its own (a reply's `headers`):
 * - changes (anything but GET), and what a route marks secret, are never stored: `no-store`;
 * - public GETs (the API document) may be kept by any cache for five minutes;
 * - authenticated GETs may be kept by the caller's browser only and revalidated each time, which
 *   the ETag makes a 304 without a body when nothing changed.
 * Errors are `no-store` (a 404 is otherwise heuristically cacheable).
 */
export function defaultCacheControl(route: Pick<Route, 'method' | 'role'>): string {
  if (route.method !== 'GET') return 'no-store';
  return route.role === 'public' ? 'public, max-age=300' : 'private, no-cache';
}

export const ERROR_CACHE_CONTROL = 'no-store';
