import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRegistryClient, type RegistryClient } from '../shared/api-client/client';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { loadConfig, type CliAuth, type CliConfig } from './config';

/** Exit codes by failure, stable for scripts (README, "CLI"). */
export const EXIT = {
  ok: 0, internal: 1, usage: 2, unauthenticated: 3, forbidden: 4, notFound: 5, conflict: 6,
  refused: 7, integrity: 8, unavailable: 9, timeout: 10,
} as const;

const EXIT_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: EXIT.usage, UNSUPPORTED_MEDIA_TYPE: EXIT.usage, PAYLOAD_TOO_LARGE: EXIT.usage,
  UNAUTHENTICATED: EXIT.unauthenticated, FORBIDDEN: EXIT.forbidden,
  NOT_FOUND: EXIT.notFound, ROUTE_NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict, ALREADY_EXISTS: EXIT.conflict, VERSION_MISMATCH: EXIT.conflict, NOT_BLESSED: EXIT.conflict, POLICY_FAILED: EXIT.conflict,
  NOT_DEPLOYED: EXIT.conflict, TRAFFIC_CHANGED: EXIT.conflict,
  INTEGRITY_FAILED: EXIT.integrity,
  UPSTREAM_UNAVAILABLE: EXIT.unavailable, UPSTREAM_FAILED: EXIT.unavailable, PREDICTION_FAILED: EXIT.unavailable, NETWORK: EXIT.unavailable,
};

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number, readonly code = 'CLI', readonly fields: { path: string; message: string }[] = []) {
    super(message);
  }
}

export interface Session {
  config: CliConfig;
  client: RegistryClient;
  token(): Promise<string>;
}

const run = promisify(execFile);

async function tokenOf(auth: CliAuth, url: string): Promise<string> {
  if (process.env.MODEL_REGISTRY_TOKEN) return process.env.MODEL_REGISTRY_TOKEN;
  switch (auth.kind) {
    case 'token':
      return auth.token;
    case 'gcloud': {
      const { stdout } = await run('gcloud', ['auth', 'print-identity-token', `--audiences=${url}`]).catch((error: Error) => {
        throw new CliError(`gcloud could not mint an ID token: ${error.message}`, EXIT.unauthenticated, 'UNAUTHENTICATED');
      });
      return stdout.trim();
    }
    case 'local': {
      const secret = readFileSync(join(auth.dataDir, 'dev-auth-secret'), 'utf8').trim();
      return signDevToken(secret, { role: auth.role, email: `${auth.role}@localhost` });
    }
  }
}

/** The configured API, or the one `login` was just given. */
export function openSession(config: CliConfig | null = loadConfig()): Session {
  if (!config) throw new CliError('Not logged in: run `model-registry login` first (see `model-registry login --help`)', EXIT.unauthenticated, 'UNAUTHENTICATED');
  const url = process.env.MODEL_REGISTRY_URL ?? config.url;
  let bearer: Promise<string> | null = null;
  // Resolved once per run (gcloud may be called), on the first request.
  const token = () => (bearer ??= tokenOf(config.auth, url));
  const client = createRegistryClient({ baseUrl: url, token });
  return { config: { ...config, url }, client, token };
}

type ApiResult<T> = { data?: T; error?: unknown; response: Response };

/** The answer's body, or a CliError carrying the API's code, message and fields at fault. */
export async function call<T>(pending: Promise<ApiResult<T>>): Promise<T> {
  let result: ApiResult<T>;
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`The registry API cannot be reached: ${(error as Error).message}`, EXIT.unavailable, 'NETWORK');
  }
  if (result.response.ok) return result.data as T;
  const body = result.error as { error?: { code?: string; message?: string; fields?: { path: string; message: string }[] } } | undefined;
  const code = body?.error?.code ?? `HTTP_${result.response.status}`;
  const message = body?.error?.message ?? `The API answered ${result.response.status} ${result.response.statusText}`;
  throw new CliError(message, EXIT_BY_CODE[code] ?? EXIT.internal, code, body?.error?.fields ?? []);
}
