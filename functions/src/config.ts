import { z } from 'zod';
import { ConfigError } from '../../shared/errors';
import { COMMON_ENV, envReader } from './env';
import type { Role } from '../../shared/ports';
import type { Severity } from './log';
import { parseArtifactConfig, type ArtifactConfig } from './artifact-config';
import { parseRegistryWritesConfig, type RegistryWritesConfig } from './registry-config';
import { parseSchedulingConfig, type SchedulingConfig } from './training-config';

/**
 * Configuration is read once, from the environment, by a pure function: a bad value stops the
 * function at start with the variable's name instead of failing on some later request.
 */
export interface ApiConfig {
  projectId: string;
  firestoreDatabase: string;
  auth:
    | { mode: 'google'; audience: string }
    | { mode: 'dev'; secret: string };
  /** email (or `*@domain`) → role, from ROLE_BINDINGS; Firestore `roles/{email}` is consulted after. */
  roleBindings: Record<string, Role>;
  corsOrigins: string[];
  logLevel: Severity;
  /** Where schedules' Cloud Scheduler jobs go; null (schedule routes answer 404) when TRIGGER_URL is unset. */
  scheduling: SchedulingConfig | null;
  /** Vertex AI (deploy, aliases, mirror retry) and the events topic. */
  registryWrites: RegistryWritesConfig;
  /** Buckets for promotion and ZIP downloads; null (those routes answer 404) when PUSHES_BUCKET is unset. */
  artifacts: ArtifactConfig | null;
}

const ROLES = ['viewer', 'editor', 'deployer'] as const;

const rules = {
  ...COMMON_ENV,
  AUTH_MODE: z.enum(['google', 'dev']).default('google'),
  AUTH_AUDIENCE: z.string().min(1, 'is required when AUTH_MODE=google (the OAuth client id or service URL ID tokens are minted for)'),
  DEV_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters when AUTH_MODE=dev'),
  ROLE_BINDINGS: z.string().default(''),
  CORS_ORIGINS: z.string().default(''),
};

/** The environment variables the API function reads (Terraform's check uses this list). */
export const API_ENV_VARS = Object.keys(rules);
/** Those Terraform must set for a production (AUTH_MODE=google) deployment. */
export const API_REQUIRED_ENV_VARS = [
  'GOOGLE_CLOUD_PROJECT', 'AUTH_AUDIENCE', 'TRIGGER_URL', 'SCHEDULER_LOCATION', 'SCHEDULER_SERVICE_ACCOUNT',
  'VERTEX_LOCATION', 'EVENTS_TOPIC', 'REGISTRY_BUCKET', 'PUSHES_BUCKET',
];

const read = envReader(rules);

export function parseRoleBindings(text: string): Record<string, Role> {
  const bindings: Record<string, Role> = {};
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [who, role] = entry.split('=').map((s) => s?.trim());
    if (!who || !/^(\*@)?[^@\s]+@?[^@\s]*$/.test(who) || !ROLES.includes(role as Role)) {
      throw new ConfigError('ROLE_BINDINGS', `has an invalid entry '${entry}' (expected email=viewer|editor|deployer)`);
    }
    bindings[who.toLowerCase()] = role as Role;
  }
  return bindings;
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const projectId = read(env, 'GOOGLE_CLOUD_PROJECT');
  const mode = read(env, 'AUTH_MODE');
  return {
    projectId,
    firestoreDatabase: read(env, 'FIRESTORE_DATABASE'),
    auth: mode === 'google' ? { mode, audience: read(env, 'AUTH_AUDIENCE') } : { mode, secret: read(env, 'DEV_AUTH_SECRET') },
    roleBindings: parseRoleBindings(read(env, 'ROLE_BINDINGS')),
    corsOrigins: read(env, 'CORS_ORIGINS').split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: read(env, 'LOG_LEVEL'),
    scheduling: env.TRIGGER_URL ? parseSchedulingConfig(env) : null,
    registryWrites: parseRegistryWritesConfig(env),
    artifacts: env.PUSHES_BUCKET ? parseArtifactConfig(env) : null,
  };
}
