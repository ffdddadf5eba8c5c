import { z } from 'zod';
import { defaultEventSource } from '../../shared/domain/registry-events';
import { BUCKET_NAME, COMMON_ENV, envReader, googleApiTarget, type GoogleApiTarget } from './env';
import type { Severity } from './log';
import { DEFAULT_SERVING_CONTAINER_IMAGE } from './register-config';

/** Configuration of families, promotion and downloads (read by the API), from the environment. */
export interface ArtifactConfig {
  projectId: string;
  firestoreDatabase: string;
  /** Promotion takes `gs://<pushesBucket>/...` prefixes only. */
  pushesBucket: string;
  /** Content-addressed blobs and manifests (`blobs/sha256/<hex>`, `manifests/sha256/<hex>.json`). */
  registryBucket: string;
  vertex: GoogleApiTarget;
  servingContainerImage: string;
  /** The CloudEvents `source` of the `version.registered` events promotion writes. */
  eventsSource: string;
  /** A promoted directory with more files than this is refused (listing and hashing stay bounded). */
  maxPushFiles: number;
  /** Twins only: the Cloud Storage JSON API base URL. */
  storageApiEndpoint: string | null;
  logLevel: Severity;
}

const optional = <T extends z.ZodType>(schema: T) => schema.optional();

const rules = {
  ...COMMON_ENV,
  PUSHES_BUCKET: BUCKET_NAME,
  REGISTRY_BUCKET: BUCKET_NAME,
  VERTEX_PROJECT: optional(COMMON_ENV.GOOGLE_CLOUD_PROJECT),
  VERTEX_LOCATION: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, 'must be a Vertex AI region such as us-central1'),
  VERTEX_API_ENDPOINT: optional(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or address (no scheme, no port)')),
  VERTEX_API_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  SERVING_CONTAINER_IMAGE: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?\/[^\s]+$/, 'must be a container image URI').default(DEFAULT_SERVING_CONTAINER_IMAGE),
  EVENTS_SOURCE: optional(z.string().min(1).max(500)),
  MAX_PUSH_FILES: z.coerce.number().int().positive().max(100_000).default(10_000),
  STORAGE_API_ENDPOINT: optional(z.url({ protocol: /^https?$/ })),
};

/** The environment variables read here (for Terraform's check). */
export const ARTIFACT_ENV_VARS = Object.keys(rules);
/** Those Terraform must set in production (the rest have defaults or serve the twins). */
export const ARTIFACT_REQUIRED_ENV_VARS = ['GOOGLE_CLOUD_PROJECT', 'PUSHES_BUCKET', 'REGISTRY_BUCKET', 'VERTEX_LOCATION'];

const read = envReader(rules);

export function parseArtifactConfig(env: NodeJS.ProcessEnv = process.env): ArtifactConfig {
  const projectId = read(env, 'GOOGLE_CLOUD_PROJECT');
  return {
    projectId,
    firestoreDatabase: read(env, 'FIRESTORE_DATABASE'),
    pushesBucket: read(env, 'PUSHES_BUCKET'),
    registryBucket: read(env, 'REGISTRY_BUCKET'),
    vertex: googleApiTarget(read(env, 'VERTEX_PROJECT') ?? projectId, read(env, 'VERTEX_LOCATION'), read(env, 'VERTEX_API_ENDPOINT'), read(env, 'VERTEX_API_PORT')),
    servingContainerImage: read(env, 'SERVING_CONTAINER_IMAGE'),
    eventsSource: read(env, 'EVENTS_SOURCE') ?? defaultEventSource(projectId),
    maxPushFiles: read(env, 'MAX_PUSH_FILES'),
    storageApiEndpoint: read(env, 'STORAGE_API_ENDPOINT') ?? null,
    logLevel: read(env, 'LOG_LEVEL'),
  };
}
