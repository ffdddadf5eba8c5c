import { z } from 'zod';
import { BUCKET_NAME, COMMON_ENV, envReader, googleApiTarget, type GoogleApiTarget } from './env';
import type { Severity } from './log';

/**
 * Configuration of scheduled retraining, read once from the environment by pure functions:
 * - `parseSchedulingConfig`: where schedules' Cloud Scheduler jobs live and what they call (the API, and the sync's reconcile);
 * - `parseTriggerConfig`: the trigger function (verifies Cloud Scheduler's OIDC token, launches pipelines);
 * - `parseSyncRunsConfig`: the periodic sync (run outcomes + job reconcile).
 */

export interface SchedulingConfig {
  scheduler: GoogleApiTarget;
  /** Every job's HTTP target: the trigger function, called with an OIDC token of the scheduler's service account. */
  target: { uri: string; audience: string; serviceAccountEmail: string };
}

/** Who may call the trigger and sync functions: Cloud Scheduler with the scheduler service account's OIDC token. */
export interface CallerConfig {
  /** This function's own URL (the `aud` Cloud Scheduler puts in the token). */
  audience: string;
  serviceAccountEmail: string;
  jwksUrl: string;
  /** null: Google's issuers (`https://accounts.google.com`, `accounts.google.com`). */
  issuer: string | null;
}

export interface PipelineConfig extends GoogleApiTarget {
  /** The identity pipeline steps run as; null: Vertex's default. */
  serviceAccount: string | null;
  /** gs:// root for pipeline outputs, when templates do not set one. */
  pipelineRoot: string | null;
}

export interface TriggerConfig {
  projectId: string;
  firestoreDatabase: string;
  caller: CallerConfig;
  pushesBucket: string;
  vertex: PipelineConfig;
  logLevel: Severity;
}

export interface SyncRunsConfig extends TriggerConfig {
  /** Twins only: the Cloud Storage JSON API base URL. */
  storageApiEndpoint: string | null;
  scheduling: SchedulingConfig;
  batchSize: number;
  launchTimeoutMinutes: number;
}

export const GOOGLE_CERTS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

const PROJECT = COMMON_ENV.GOOGLE_CLOUD_PROJECT;
const REGION = z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, 'must be a region such as europe-west1');
const HOST = z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or address (no scheme, no port)');
const PORT = z.coerce.number().int().min(1).max(65535);
const HTTP_URL = z.url({ protocol: /^https?$/ });

const rules = {
  ...COMMON_ENV,
  SCHEDULER_PROJECT: PROJECT.optional(),
  SCHEDULER_LOCATION: REGION,
  SCHEDULER_API_ENDPOINT: HOST.optional(),
  SCHEDULER_API_PORT: PORT.optional(),
  SCHEDULER_SERVICE_ACCOUNT: z.email('must be a service account email'),
  TRIGGER_URL: HTTP_URL,
  TRIGGER_AUDIENCE: z.string().min(1).optional(),
  OIDC_AUDIENCE: z.string().min(1, 'is required (the URL of this function, as Cloud Scheduler sets it in the token)'),
  OIDC_JWKS_URL: HTTP_URL.default(GOOGLE_CERTS_URL),
  OIDC_ISSUER: z.string().min(1).optional(),
  PUSHES_BUCKET: BUCKET_NAME,
  VERTEX_PROJECT: PROJECT.optional(),
  VERTEX_LOCATION: REGION,
  VERTEX_API_ENDPOINT: HOST.optional(),
  VERTEX_API_PORT: PORT.optional(),
  PIPELINE_SERVICE_ACCOUNT: z.email('must be a service account email').optional(),
  PIPELINE_ROOT: z.string().regex(/^gs:\/\/[a-z0-9][a-z0-9._-]{1,221}(\/\S*)?$/, 'must be a gs:// URI').optional(),
  STORAGE_API_ENDPOINT: HTTP_URL.optional(),
  SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  LAUNCH_TIMEOUT_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(60),
};
type Name = keyof typeof rules;

/** The variables each function reads (for Terraform's check). */
export const SCHEDULING_ENV_VARS: Name[] = [
  'GOOGLE_CLOUD_PROJECT', 'SCHEDULER_PROJECT', 'SCHEDULER_LOCATION', 'SCHEDULER_API_ENDPOINT', 'SCHEDULER_API_PORT',
  'SCHEDULER_SERVICE_ACCOUNT', 'TRIGGER_URL', 'TRIGGER_AUDIENCE',
];
export const TRIGGER_ENV_VARS: Name[] = [
  'GOOGLE_CLOUD_PROJECT', 'FIRESTORE_DATABASE', 'SCHEDULER_SERVICE_ACCOUNT', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_ISSUER',
  'PUSHES_BUCKET', 'VERTEX_PROJECT', 'VERTEX_LOCATION', 'VERTEX_API_ENDPOINT', 'VERTEX_API_PORT', 'PIPELINE_SERVICE_ACCOUNT',
  'PIPELINE_ROOT', 'LOG_LEVEL',
];
export const SYNC_RUNS_ENV_VARS: Name[] = [
  ...new Set([...TRIGGER_ENV_VARS, ...SCHEDULING_ENV_VARS, 'STORAGE_API_ENDPOINT', 'SYNC_BATCH_SIZE', 'LAUNCH_TIMEOUT_MINUTES'] as Name[]),
];

/** Those Terraform must set in production (the others have defaults or serve the twins). */
export const TRIGGER_REQUIRED_ENV_VARS: Name[] = ['GOOGLE_CLOUD_PROJECT', 'SCHEDULER_SERVICE_ACCOUNT', 'OIDC_AUDIENCE', 'PUSHES_BUCKET', 'VERTEX_LOCATION'];
export const SYNC_RUNS_REQUIRED_ENV_VARS: Name[] = [...TRIGGER_REQUIRED_ENV_VARS, 'SCHEDULER_LOCATION', 'TRIGGER_URL'];

const read = envReader(rules);

export function parseSchedulingConfig(env: NodeJS.ProcessEnv = process.env): SchedulingConfig {
  const uri = read(env, 'TRIGGER_URL');
  return {
    scheduler: googleApiTarget(
      read(env, 'SCHEDULER_PROJECT') ?? read(env, 'GOOGLE_CLOUD_PROJECT'), read(env, 'SCHEDULER_LOCATION'),
      read(env, 'SCHEDULER_API_ENDPOINT'), read(env, 'SCHEDULER_API_PORT'), { host: 'SCHEDULER_API_ENDPOINT', port: 'SCHEDULER_API_PORT' },
    ),
    target: { uri, audience: read(env, 'TRIGGER_AUDIENCE') ?? uri, serviceAccountEmail: read(env, 'SCHEDULER_SERVICE_ACCOUNT') },
  };
}

export function parseTriggerConfig(env: NodeJS.ProcessEnv = process.env): TriggerConfig {
  const projectId = read(env, 'GOOGLE_CLOUD_PROJECT');
  return {
    projectId,
    firestoreDatabase: read(env, 'FIRESTORE_DATABASE'),
    caller: {
      audience: read(env, 'OIDC_AUDIENCE'),
      serviceAccountEmail: read(env, 'SCHEDULER_SERVICE_ACCOUNT'),
      jwksUrl: read(env, 'OIDC_JWKS_URL'),
      issuer: read(env, 'OIDC_ISSUER') ?? null,
    },
    pushesBucket: read(env, 'PUSHES_BUCKET'),
    vertex: {
      ...googleApiTarget(read(env, 'VERTEX_PROJECT') ?? projectId, read(env, 'VERTEX_LOCATION'), read(env, 'VERTEX_API_ENDPOINT'), read(env, 'VERTEX_API_PORT')),
      serviceAccount: read(env, 'PIPELINE_SERVICE_ACCOUNT') ?? null,
      pipelineRoot: read(env, 'PIPELINE_ROOT') ?? null,
    },
    logLevel: read(env, 'LOG_LEVEL'),
  };
}

export function parseSyncRunsConfig(env: NodeJS.ProcessEnv = process.env): SyncRunsConfig {
  return {
    ...parseTriggerConfig(env),
    storageApiEndpoint: read(env, 'STORAGE_API_ENDPOINT') ?? null,
    scheduling: parseSchedulingConfig(env),
    batchSize: read(env, 'SYNC_BATCH_SIZE'),
    launchTimeoutMinutes: read(env, 'LAUNCH_TIMEOUT_MINUTES'),
  };
}
