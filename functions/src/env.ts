import { z } from 'zod';
import { ConfigError } from '../../shared/errors';

/** Rules shared by every function's configuration. */
export const COMMON_ENV = {
  GOOGLE_CLOUD_PROJECT: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id'),
  FIRESTORE_DATABASE: z.string().regex(/^(\(default\)|[a-z][a-z0-9-]{2,62})$/, 'must be a Firestore database id').default('(default)'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL']).default('INFO'),
};

export const BUCKET_NAME = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'must be a bucket name');

/**
 * A reader over a table of per-variable zod rules: `read(env, NAME)` gives the typed value or
 * throws a ConfigError naming the variable (an empty string counts as unset).
 */
export function envReader<R extends Record<string, z.ZodType>>(rules: R) {
  return function read<K extends keyof R & string>(env: NodeJS.ProcessEnv, name: K): z.output<R[K]> {
    const raw = env[name] === '' ? undefined : env[name];
    const result = rules[name]!.safeParse(raw);
    if (!result.success) {
      throw new ConfigError(name, raw === undefined ? 'is required' : result.error.issues[0]?.message ?? 'is invalid');
    }
    return result.data as z.output<R[K]>;
  };
}

/** A regional Google API (Vertex AI, Cloud Scheduler) and, for the local twins, the gRPC host and port replacing it. */
export interface GoogleApiTarget {
  project: string;
  location: string;
  /** Twins only: host and port of a gRPC endpoint replacing `<location>-<service>.googleapis.com`. */
  apiEndpoint: string | null;
  port: number | null;
}

/** Where a function reaches a Google API; the twins' override needs the host whenever a port is set. */
export function googleApiTarget(
  project: string, location: string, apiEndpoint: string | undefined, port: number | undefined,
  vars: { host: string; port: string } = { host: 'VERTEX_API_ENDPOINT', port: 'VERTEX_API_PORT' },
): GoogleApiTarget {
  if (port !== undefined && apiEndpoint === undefined) throw new ConfigError(vars.port, `needs ${vars.host}`);
  return { project, location, apiEndpoint: apiEndpoint ?? null, port: port ?? null };
}
