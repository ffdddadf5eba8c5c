import { COLLECTIONS } from './collections';

/** Top-level collections of deployment, lifecycle and events (firestore.rules denies clients all of them). */
export const REGISTRY_COLLECTIONS = { outbox: COLLECTIONS.outbox, deletedVersions: COLLECTIONS.deletedVersions } as const;

export const SUBCOLLECTIONS = {
  /** `versions/{id}/deployments/{entryId}` */
  deployments: 'deployments',
  /** `families/{id}/aliases/{alias}` */
  aliases: 'aliases',
  /** `families/{id}/aliasHistory/{entryId}` */
  aliasHistory: 'aliasHistory',
  /** `families/{id}/aliasApprovals/{alias}@v{n}`: deployers' approvals of a move of a protected alias. */
  aliasApprovals: 'aliasApprovals',
} as const;

/** Field on a version document (outside the ModelVersion schema, so never returned) holding a DeploymentLease. */
export const DEPLOYMENT_LEASE_FIELD = 'deploymentLease';
