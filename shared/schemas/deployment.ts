import { z } from 'zod';
import { IsoDateTime } from './common';

export const DEFAULT_MACHINE_TYPE = 'n1-standard-4';
const MAX_REPLICAS = 1000;

/** `body.endpoint`: an endpoint resource name, or the id at its end. */
export const EndpointRef = z
  .string()
  .max(300)
  .regex(
    /^(?:projects\/[^/\s]+\/locations\/[^/\s]+\/endpoints\/)?(?:[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?|[1-9][0-9]{0,18})$/,
    'must be an endpoint resource name (projects/…/locations/…/endpoints/…) or endpoint id',
  );

/** `POST /api/models/{id}/deploy` */
export const DeployRequest = z
  .strictObject({
    endpoint: EndpointRef.optional(),
    machineType: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a Compute Engine machine type such as n1-standard-4').default(DEFAULT_MACHINE_TYPE),
    minReplicas: z.number().int().min(1).max(MAX_REPLICAS).default(1),
    /** Defaults to minReplicas (Vertex AI's own default). */
    maxReplicas: z.number().int().min(1).max(MAX_REPLICAS).optional(),
    trafficPercent: z.number().int().min(0).max(100).default(100),
    /** Deploys a version that is not blessed (or still pending); recorded in the history. */
    force: z.boolean().default(false),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((r) => r.maxReplicas === undefined || r.maxReplicas >= r.minReplicas, {
    path: ['maxReplicas'], message: 'must be at least minReplicas',
  })
  .transform((r) => ({ ...r, maxReplicas: r.maxReplicas ?? r.minReplicas }));
export type DeployRequest = z.output<typeof DeployRequest>;

/** `POST /api/models/{id}/undeploy` */
export const UndeployRequest = z.strictObject({ reason: z.string().trim().max(500).optional() });
export type UndeployRequest = z.output<typeof UndeployRequest>;

/** `PUT /api/families/{familyId}/aliases/{alias}` */
export const AliasMoveRequest = z.strictObject({
  version: z.number().int().positive(),
  /** The version the caller believes the alias names now; null: the alias must not exist yet. */
  expectedVersion: z.number().int().positive().nullable().optional(),
  reason: z.string().trim().max(500).optional(),
});
export type AliasMoveRequest = z.output<typeof AliasMoveRequest>;

/**
 * A version as the alias API's body takes it: its number (`2`, `"v2"`), or any reference every other
 * route takes (`"recs-prod-v2"`, `"recs-prod@v2"`, `"recs-prod@staging"`); resolved to a number at the edge.
 */
export const AliasVersionInput = z.union([
  z.number().int().positive(),
  // A bare "2" is refused: a number goes as a JSON number, so that a string always names a reference.
  z.string().min(1).max(200).regex(/\D/, 'a version number goes as a JSON number (2) or as "v2"'),
]);
export const AliasMoveBody = z.strictObject({
  version: AliasVersionInput,
  expectedVersion: AliasVersionInput.nullable().optional(),
  /** Why: kept in the audit trail. */
  reason: z.string().trim().max(500).optional(),
});

export const DEPLOYMENT_ACTIONS = ['deployed', 'undeployed', 'deploy_failed', 'undeploy_failed', 'rollout_step'] as const;

/** `versions/{id}/deployments/{entryId}`: one per deploy or undeploy attempt. */
export const DeploymentHistoryEntry = z.object({
  id: z.string(),
  versionId: z.string(),
  action: z.enum(DEPLOYMENT_ACTIONS),
  endpoint: z.string().nullable(),
  deployedModelId: z.string().nullable(),
  actor: z.string(),
  at: IsoDateTime,
  machineType: z.string().nullable(),
  replicas: z.object({ min: z.number().int(), max: z.number().int() }).nullable(),
  trafficPercent: z.number().int().nullable(),
  force: z.boolean(),
  /** Whether the version was blessed when it was deployed (a forced deploy of a not-blessed one shows here). */
  blessed: z.boolean().nullable(),
  reason: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type DeploymentHistoryEntry = z.infer<typeof DeploymentHistoryEntry>;

export const AliasMirrorState = z.object({
  state: z.enum(['pending', 'mirrored', 'failed', 'skipped']),
  error: z.string().nullable().default(null),
  updatedAt: IsoDateTime.nullable().default(null),
});

/** `families/{familyId}/aliases/{alias}` */
export const AliasRecord = z.object({
  alias: z.string(),
  familyId: z.string(),
  version: z.number().int().positive(),
  versionId: z.string(),
  movedAt: IsoDateTime,
  movedBy: z.string(),
  vertex: AliasMirrorState,
});
export type AliasRecord = z.infer<typeof AliasRecord>;

/** `families/{familyId}/aliasHistory/{entryId}`: every move, removal and automatic `latest` advance. */
export const AliasHistoryEntry = z.object({
  id: z.string(),
  familyId: z.string(),
  alias: z.string(),
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int().nullable(),
  actor: z.string(),
  at: IsoDateTime,
  expectedVersion: z.number().int().nullable(),
});
export type AliasHistoryEntry = z.infer<typeof AliasHistoryEntry>;
