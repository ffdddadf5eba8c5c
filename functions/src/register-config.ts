import { z } from 'zod';
import { BUCKET_NAME, COMMON_ENV, envReader, googleApiTarget, type GoogleApiTarget } from './env';
import type { Severity } from './log';
import { SIGNING_ENV_VARS, parseSigningConfig, type SigningConfig } from './signing-config';
import { REGISTRY_WRITES_ENV_VARS, parseRegistryWritesConfig, type RegistryWritesConfig } from './registry-config';

/** Configuration of the `register` function (GCS finalize → version → Vertex mirror), read once from the environment. */
export interface RegisterConfig {
  projectId: string;
  firestoreDatabase: string;
  /** The bucket pipelines push to; events from any other bucket are ignored. */
  pushesBucket: string;
  /** Content-addressed blobs and manifests (`blobs/sha256/<hex>`, `manifests/sha256/<hex>.json`). */
  registryBucket: string;
  vertex: GoogleApiTarget;
  servingContainerImage: string;
  /** Events older than this are dropped with a log line instead of being retried forever. */
  maxEventAgeSeconds: number;
  /** A push with more files than this is refused (listing and hashing stay bounded). */
  maxPushFiles: number;
  /** Twins only: the Cloud Storage JSON API base URL. */
  storageApiEndpoint: string | null;
  /** Where `version.registered` / `version.registration_failed` go: the API's topic and rules. */
  events: RegistryWritesConfig['events'];
  /** Versions are signed right after registration (null: not configured). */
  signing: SigningConfig | null;
  logLevel: Severity;
}

export const DEFAULT_SERVING_CONTAINER_IMAGE = 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-12:latest';

const BUCKET = BUCKET_NAME;
const PROJECT = COMMON_ENV.GOOGLE_CLOUD_PROJECT;
const optional = <T extends z.ZodType>(schema: T) => schema.optional();

const rules = {
  ...COMMON_ENV,
  PUSHES_BUCKET: BUCKET,
  REGISTRY_BUCKET: BUCKET,
  VERTEX_PROJECT: optional(PROJECT),
  VERTEX_LOCATION: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, 'must be a Vertex AI region such as us-central1'),
  VERTEX_API_ENDPOINT: optional(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or address (no scheme, no port)')),
  VERTEX_API_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  SERVING_CONTAINER_IMAGE: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?\/[^\s]+$/, 'must be a container image URI').default(DEFAULT_SERVING_CONTAINER_IMAGE),
  MAX_EVENT_AGE_SECONDS: z.coerce.number().int().positive().default(3600),
  MAX_PUSH_FILES: z.coerce.number().int().positive().max(100_000).default(10_000),
  STORAGE_API_ENDPOINT: optional(z.url({ protocol: /^https?$/ })),
};

/** The environment variables the register function reads (for Terraform's check). */
export const REGISTER_ENV_VARS = [
  ...Object.keys(rules),
  ...REGISTRY_WRITES_ENV_VARS.filter((name) => name.startsWith('EVENTS_') || name.startsWith('PUBSUB_')),
  ...SIGNING_ENV_VARS,
];
/** Those Terraform must set in production (the rest have defaults or serve the twins). */
export const REGISTER_REQUIRED_ENV_VARS = ['GOOGLE_CLOUD_PROJECT', 'PUSHES_BUCKET', 'REGISTRY_BUCKET', 'VERTEX_LOCATION'];

const read = envReader(rules);

export function parseRegisterConfig(env: NodeJS.ProcessEnv = process.env): RegisterConfig {
  const projectId = read(env, 'GOOGLE_CLOUD_PROJECT');
  return {
    projectId,
    firestoreDatabase: read(env, 'FIRESTORE_DATABASE'),
    pushesBucket: read(env, 'PUSHES_BUCKET'),
    registryBucket: read(env, 'REGISTRY_BUCKET'),
    vertex: googleApiTarget(read(env, 'VERTEX_PROJECT') ?? projectId, read(env, 'VERTEX_LOCATION'), read(env, 'VERTEX_API_ENDPOINT'), read(env, 'VERTEX_API_PORT')),
    servingContainerImage: read(env, 'SERVING_CONTAINER_IMAGE'),
    maxEventAgeSeconds: read(env, 'MAX_EVENT_AGE_SECONDS'),
    maxPushFiles: read(env, 'MAX_PUSH_FILES'),
    storageApiEndpoint: read(env, 'STORAGE_API_ENDPOINT') ?? null,
    // The same variables (EVENTS_TOPIC, EVENTS_SOURCE, PUBSUB_API_ENDPOINT,
    // EVENTS_PUBLISH_TIMEOUT_SECONDS) read by the same rules as the API and the outbox drainer.
    events: parseRegistryWritesConfig(env).events,
    signing: parseSigningConfig(env),
    logLevel: read(env, 'LOG_LEVEL'),
  };
}
