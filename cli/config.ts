import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** How the CLI gets a bearer token for each call. */
export type CliAuth =
  | { kind: 'token'; token: string }
  /** `gcloud auth print-identity-token --audiences=<url>` on every run (tokens last an hour). */
  | { kind: 'gcloud' }
  /** A dev token signed with the local stack's secret in `<dataDir>/dev-auth-secret`. */
  | { kind: 'local'; dataDir: string; role: 'viewer' | 'editor' | 'deployer' };

export interface CliConfig {
  url: string;
  auth: CliAuth;
  /** Where `push` uploads (the registration trigger's bucket). */
  pushesBucket?: string;
  /** Cloud Storage endpoint for `push`; absent: Google's. */
  storageEndpoint?: string;
  projectId?: string;
}

export function configPath(): string {
  return process.env.MODEL_REGISTRY_CONFIG ?? join(homedir(), '.config', 'model-registry', 'config.json');
}

export function loadConfig(): CliConfig | null {
  const path = configPath();
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as CliConfig;
}

export function saveConfig(config: CliConfig): string {
  const path = configPath();
  mkdirSync(dirname(path), { recursive: true });
  // It may hold a token: readable by its owner only.
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
