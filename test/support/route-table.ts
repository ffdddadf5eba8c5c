import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../shared/ports';
import type { HttpMethod } from '../../functions/src/http/route';

export const ROUTES_DIR = join(__dirname, '../../functions/src/http/routes');

export interface RouteSpec {
  method: HttpMethod;
  /** As registered with find-my-way: `:name` parameters, `::` for a literal colon. */
  path: string;
  role: Role | 'public';
  /** Which parts of the request the handler takes (from its destructured argument). */
  reads: { params: boolean; query: boolean; body: boolean };
  /** The handler validates its query with EmptyQuery (it takes no parameters at all). */
  emptyQuery: boolean;
  file: string;
}

const ROUTE_START = /\bmethod:\s*'(GET|POST|PUT|PATCH|DELETE)'/g;

/**
 * The API's routes as the route modules declare them, read from their source: a route added to
 * any file under functions/src/http/routes is in the bad-input corpus without anyone listing it.
 * Production code stays free of test hooks; `countDeclarations` lets a test prove nothing was missed.
 */
export function readRouteTable(dir = ROUTES_DIR): RouteSpec[] {
  return readdirSync(dir).filter((f) => f.endsWith('.ts')).sort().flatMap((file) => routesOfSource(readFileSync(join(dir, file), 'utf8'), file));
}

/** How many `method: '…'` declarations the files hold (to compare with what was parsed). */
export function countDeclarations(dir = ROUTES_DIR): number {
  return readdirSync(dir).filter((f) => f.endsWith('.ts')).reduce((n, f) => n + [...readFileSync(join(dir, f), 'utf8').matchAll(ROUTE_START)].length, 0);
}

export function routesOfSource(source: string, file: string): RouteSpec[] {
  const constants = new Map([...source.matchAll(/\bconst\s+([A-Za-z_]\w*)\s*=\s*'([^']*)'/g)].map((m) => [m[1]!, m[2]!]));
  const starts = [...source.matchAll(ROUTE_START)];
  return starts.map((start, i) => {
    const segment = source.slice(start.index, starts[i + 1]?.index ?? source.length);
    const path = pathOf(segment, constants, file);
    const role = /\brole:\s*'(\w+)'/.exec(segment)?.[1];
    if (!role) throw new Error(`${file}: no role for ${start[1]} ${path}`);
    const args = handlerArguments(segment);
    return {
      method: start[1] as HttpMethod, path, role: role as RouteSpec['role'], file,
      reads: { params: args.has('params'), query: args.has('query'), body: args.has('body') },
      emptyQuery: /parseOrThrow\(\s*EmptyQuery\b/.test(segment),
    };
  });
}

function pathOf(segment: string, constants: Map<string, string>, file: string): string {
  const m = /\bpath:\s*(?:'([^']*)'|`([^`]*)`|([A-Za-z_]\w*))/.exec(segment);
  const constant = (name: string) => {
    const value = constants.get(name);
    if (value === undefined) throw new Error(`${file}: path uses ${name}, which is not a string constant of the file`);
    return value;
  };
  if (m?.[1] !== undefined) return m[1];
  if (m?.[2] !== undefined) return m[2].replace(/\$\{\s*([A-Za-z_]\w*)\s*\}/g, (_, name: string) => constant(name));
  if (m?.[3] !== undefined) return constant(m[3]);
  throw new Error(`${file}: a route without a readable path`);
}

/** Names destructured by `handle({ a, b })` or `handle: async ({ a }) =>`; none for `handle: async () =>`. */
function handlerArguments(segment: string): Set<string> {
  const m = /\bhandle\s*(?::\s*async\s*)?\(\s*(?:\{([^}]*)\})?\s*\)/.exec(segment);
  return new Set((m?.[1] ?? '').split(',').map((s) => s.split(':')[0]!.trim()).filter(Boolean));
}
