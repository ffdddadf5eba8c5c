/**
 * Single-flight for the API's reads: concurrent identical GETs share one computation (one round of
 * Firestore reads, one serialization, one compression per coding), so a burst of dashboards opening
 * at once costs one computation per distinct request instead of one per request.
 *
 * Staleness bound: nothing is kept once a computation settles (no TTL, failures included), so a
 * request that joins one gets an answer whose reads began at most one computation's duration
 * before it arrived — what it would have got had it arrived that much earlier. Writes handled by
 * this instance drop the entries (`forgetAll`) when they start and when they end, so a read that
 * starts after a write here never joins a read begun before it; writes elsewhere (other instances,
 * the register function) are seen by the next computation, as without coalescing.
 */
import type { Principal } from './auth';
import type { Route } from './route';

export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** `compute()`'s promise, or the one already running under `key` (whose result or failure is shared). */
  run(key: string, compute: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = Promise.resolve().then(compute);
    this.inFlight.set(key, started);
    // Only this computation's own entry: one started after a `forgetAll` keeps its place.
    const forget = () => {
      if (this.inFlight.get(key) === started) this.inFlight.delete(key);
    };
    started.then(forget, forget);
    return started;
  }

  /** Later calls start fresh computations; callers already waiting keep the one they joined. */
  forgetAll(): void {
    this.inFlight.clear();
  }

  /** Computations running now (for tests). */
  get size(): number {
    return this.inFlight.size;
  }
}

/**
 * The identity of a read: the route (not the raw path: `/api/models/` is `/api/models`), its
 * parameters and query, key order aside; for `per-caller` routes the caller's subject too.
 */
export function readKey(
  route: Pick<Route, 'method' | 'path' | 'coalesce'>,
  request: { params: Record<string, string>; query: Record<string, unknown>; principal: Principal | null },
): string {
  const caller = route.coalesce === 'per-caller' ? request.principal?.subject ?? '' : '';
  return JSON.stringify([route.method, route.path, canonical(request.params), canonical(request.query), caller]);
}

/** Objects with their keys sorted (recursively), so `?a=1&b=2` and `?b=2&a=1` are one read. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
}
