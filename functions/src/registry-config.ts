import { z } from 'zod';
import { BUCKET_NAME, COMMON_ENV, envReader, googleApiTarget, type GoogleApiTarget } from './env';
import { defaultEventSource } from '../../shared/domain/registry-events';
import type { Severity } from './log';
import { SIGNING_ENV_VARS, parseSigningConfig, type SigningConfig } from './signing-config';

/**
 * Configuration of deployment, aliases, lifecycle and registry events (read by the API and by the
 * outbox drainer), from the environment, by a pure function that fails fast naming the variable.
 */
export interface RegistryWritesConfig {
  projectId: string;
  firestoreDatabase: string;
  vertex: GoogleApiTarget;
  /** Cloud Monitoring, where Vertex AI's online prediction figures are read (the Deployment tab, canary guards). */
  monitoring: { project: string; apiEndpoint: string | null; port: number | null };
  events: {
    /** Topic id in the project, or `projects/<p>/topics/<t>`. */
    topic: string;
    /** The CloudEvents `source` of every event. */
    source: string;
    /** Emulators only (`host:port`); PUBSUB_EMULATOR_HOST works too (the client reads it). */
    pubsubApiEndpoint: string | null;
    publishTimeoutMs: number;
  };
  deploy: {
    /** How long a deploy or undeploy waits for its Vertex AI operation. */
    operationTimeoutMs: number;
    /** Lease on a version while it is deployed: the operation timeout plus a margin. */
    leaseMs: number;
  };
  /** Where manifests are (to record the blobs a deleted version referenced); null: digests are not read. */
  registryBucket: string | null;
  /** Twins only: the Cloud Storage JSON API base URL. */
  storageApiEndpoint: string | null;
  /** Signing of promoted versions, the signature routes, and the minute job's signature retries (null: not configured). */
  signing: SigningConfig | null;
  logLevel: Severity;
}

const PROJECT = COMMON_ENV.GOOGLE_CLOUD_PROJECT;
/** Vertex AI deploys take 10–20 minutes; the API's request timeout (Terraform) is above this. */
export const DEFAULT_DEPLOY_OPERATION_TIMEOUT_SECONDS = 1500;
const LEASE_MARGIN_MS = 5 * 60_000;

const rules = {
  ...COMMON_ENV,
  VERTEX_PROJECT: PROJECT.optional(),
  VERTEX_LOCATION: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, 'must be a Vertex AI region such as us-central1').default('us-central1'),
  VERTEX_API_ENDPOINT: z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or address (no scheme, no port)').optional(),
  VERTEX_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  MONITORING_API_ENDPOINT: z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or address (no scheme, no port)').optional(),
  MONITORING_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  EVENTS_TOPIC: z.string().regex(/^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/topics\/)?[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/, 'must be a Pub/Sub topic id or projects/<p>/topics/<t>').default('registry-events'),
  EVENTS_SOURCE: z.string().min(1).max(500).optional(),
  PUBSUB_API_ENDPOINT: z.string().regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}$/, 'must be host:port').optional(),
  EVENTS_PUBLISH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  DEPLOY_OPERATION_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3300).default(DEFAULT_DEPLOY_OPERATION_TIMEOUT_SECONDS),
  REGISTRY_BUCKET: BUCKET_NAME.optional(),
  STORAGE_API_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
};

/** The environment variables read here (for Terraform's check). */
export const REGISTRY_WRITES_ENV_VARS = [...Object.keys(rules), ...SIGNING_ENV_VARS];

const read = envReader(rules);

export function parseRegistryWritesConfig(env: NodeJS.ProcessEnv = process.env): RegistryWritesConfig {
  const projectId = read(env, 'GOOGLE_CLOUD_PROJECT');
  const operationTimeoutMs = read(env, 'DEPLOY_OPERATION_TIMEOUT_SECONDS') * 1000;
  return {
    projectId,
    firestoreDatabase: read(env, 'FIRESTORE_DATABASE'),
    vertex: googleApiTarget(read(env, 'VERTEX_PROJECT') ?? projectId, read(env, 'VERTEX_LOCATION'), read(env, 'VERTEX_API_ENDPOINT'), read(env, 'VERTEX_API_PORT')),
    // Vertex AI writes its metrics to the project that holds the endpoints.
    monitoring: {
      project: read(env, 'VERTEX_PROJECT') ?? projectId,
      apiEndpoint: read(env, 'MONITORING_API_ENDPOINT') ?? null,
      port: read(env, 'MONITORING_API_PORT') ?? null,
    },
    events: {
      topic: read(env, 'EVENTS_TOPIC'),
      source: read(env, 'EVENTS_SOURCE') ?? defaultEventSource(projectId),
      pubsubApiEndpoint: read(env, 'PUBSUB_API_ENDPOINT') ?? null,
      publishTimeoutMs: read(env, 'EVENTS_PUBLISH_TIMEOUT_SECONDS') * 1000,
    },
    deploy: { operationTimeoutMs, leaseMs: operationTimeoutMs + LEASE_MARGIN_MS },
    registryBucket: read(env, 'REGISTRY_BUCKET') ?? null,
    storageApiEndpoint: read(env, 'STORAGE_API_ENDPOINT') ?? null,
    signing: parseSigningConfig(env),
    logLevel: read(env, 'LOG_LEVEL'),
  };
}
