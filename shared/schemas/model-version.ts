import { z } from 'zod';
import { IsoDateTime, Metrics, ModelType, Tag } from './common';

/**
 * Naming: a *family* is a logical model ("recs-prod", seed 003's "model artifact"); a *version* is one
 * immutable registered snapshot of it ("recs-prod-v3"). Seed 000 calls a registered version a
 * "model", so `/api/models` lists versions and `/api/models/{id}` takes a version id; families live
 * under `/api/families`.
 */
export const VERSION_STATUSES = ['deployed', 'idle', 'not_blessed', 'pending'] as const;
export const VersionStatus = z.enum(VERSION_STATUSES);
export type VersionStatus = z.infer<typeof VersionStatus>;

export const Evaluation = z.object({
  metric: z.string(),
  /** `>=` when higher is better (recall), `<=` when lower is better (rmse, loss). */
  comparator: z.enum(['>=', '<=']),
  threshold: z.number().finite(),
  achieved: z.number().finite().nullable(),
  blessed: z.boolean().nullable(),
});
export type Evaluation = z.infer<typeof Evaluation>;

const ConfigPart = z.object({
  id: z.string().nullable().default(null),
  name: z.string(),
  summary: z.string().default(''),
});

export const ConfigSummary = z.object({
  dataset: ConfigPart.nullable().default(null),
  featureConfig: ConfigPart.nullable().default(null),
  modelConfig: ConfigPart.nullable().default(null),
  trainingParams: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type ConfigSummary = z.infer<typeof ConfigSummary>;

export const Artifacts = z.object({
  /** The versioned directory registered (gs://bucket/<run_id>/pushed_model/<n>). */
  modelUri: z.string(),
  metricsUri: z.string().nullable().default(null),
  transformUri: z.string().nullable().default(null),
  /** SHA-256 over the manifest, once the files are in the content-addressed store. */
  manifestDigest: z.string().nullable().default(null),
  sizeBytes: z.number().int().nonnegative().nullable().default(null),
  fileCount: z.number().int().nonnegative().nullable().default(null),
  format: z.enum(['tf_saved_model', 'hf_full', 'peft_adapter']).nullable().default(null),
  servingContainerImage: z.string(),
});

export const VertexMirror = z.object({
  state: z.enum(['pending', 'mirrored', 'failed']),
  modelResourceName: z.string().nullable().default(null),
  versionId: z.string().nullable().default(null),
  displayName: z.string(),
  error: z.string().nullable().default(null),
  attempts: z.number().int().nonnegative().default(0),
  updatedAt: IsoDateTime.nullable().default(null),
  /** When the minute job tries the mirror again by itself; null: mirrored, or left to a person. */
  nextRetryAt: IsoDateTime.nullable().default(null),
});

/**
 * The version's model-signing bundle (README "Signed provenance"): pending until signed, failed
 * (with the error) when KMS or storage refused, retried by the minute job at `nextRetryAt`.
 */
export const VersionSignature = z.object({
  state: z.enum(['pending', 'signed', 'failed']),
  /** The KMS key version that signed (`projects/…/cryptoKeyVersions/<n>`). */
  keyVersion: z.string().nullable().default(null),
  /** SHA-256 (hex) of the signing key's PEM: the bundle's `verificationMaterial.publicKey.hint`. */
  keyHint: z.string().nullable().default(null),
  signedAt: IsoDateTime.nullable().default(null),
  /** `sha256:<hex>` of the stored bundle bytes (`signatures/sha256/<hex>.json` in the registry bucket). */
  bundleDigest: z.string().nullable().default(null),
  error: z.string().nullable().default(null),
  attempts: z.number().int().nonnegative().default(0),
  updatedAt: IsoDateTime.nullable().default(null),
  nextRetryAt: IsoDateTime.nullable().default(null),
});
export type VersionSignature = z.infer<typeof VersionSignature>;

export const Deployment = z.object({
  endpoint: z.string(),
  deployedModelId: z.string().nullable().default(null),
  deployedAt: IsoDateTime,
  deployedBy: z.string(),
  machineType: z.string(),
  minReplicas: z.number().int().positive(),
  maxReplicas: z.number().int().positive(),
  trafficPercent: z.number().int().min(0).max(100).default(100),
});
export type Deployment = z.infer<typeof Deployment>;

/** A registered version as the use cases see it (timestamps as ISO strings). */
/** Most instances an input example keeps: enough to show the shape, small enough for every read. */
export const MAX_EXAMPLE_INSTANCES = 20;

/**
 * A request the model answers, shipped with it as `input_example.json` at the root of the pushed
 * directory (a JSON array of instances, or `{instances, parameters}`): the playground starts from it.
 */
export const InputExample = z.object({
  instances: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_EXAMPLE_INSTANCES),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type InputExample = z.infer<typeof InputExample>;

export const ModelVersion = z.object({
  id: z.string(),
  familyId: z.string(),
  name: z.string(),
  modelType: ModelType,
  version: z.number().int().positive(),
  versionLabel: z.string(),
  blessed: z.boolean().nullable(),
  deployed: z.boolean(),
  archived: z.boolean().default(false),
  metrics: Metrics.default({}),
  evaluation: Evaluation.nullable().default(null),
  config: ConfigSummary.default({ dataset: null, featureConfig: null, modelConfig: null, trainingParams: {} }),
  artifacts: Artifacts,
  vertex: VertexMirror,
  /** null: registered where signing is not configured (or before it was). */
  signature: VersionSignature.nullable().default(null),
  deployment: Deployment.nullable().default(null),
  inputExample: InputExample.nullable().default(null),
  trainingRunId: z.string().nullable().default(null),
  experimentId: z.string().nullable().default(null),
  registeredAt: IsoDateTime,
  registeredBy: z.string().default('system'),
  tags: z.array(Tag).default([]),
  description: z.string().default(''),
  aliases: z.array(z.string()).default([]),
});
export type ModelVersion = z.infer<typeof ModelVersion>;
export type ModelVersionInput = z.input<typeof ModelVersion>;
