import { COLLECTIONS } from './collections';
import { REGISTRY_COLLECTIONS, SUBCOLLECTIONS } from './registry-collections';
import type { QueryShape } from './version-queries';

/** Pending outbox events, oldest due first (with a `nextAttemptAt <= now` range on the order field). */
export function outboxDueShape(): QueryShape {
  return {
    collection: REGISTRY_COLLECTIONS.outbox,
    equalities: [{ field: 'state', value: 'pending' }],
    arrayContains: null,
    order: { field: 'nextAttemptAt', direction: 'asc' },
  };
}

/** Versions recorded as deployed on one endpoint (a single equality: no composite index). */
export function deployedOnShape(endpoint: string): QueryShape {
  return {
    collection: COLLECTIONS.versions,
    equalities: [{ field: 'deployment.endpoint', value: endpoint }],
    arrayContains: null,
    order: null,
  };
}

/** A version's deployment history, newest first (a subcollection ordered by one field). */
export function deploymentHistoryShape(): QueryShape {
  return { collection: SUBCOLLECTIONS.deployments, equalities: [], arrayContains: null, order: { field: 'at', direction: 'desc' } };
}

/** A family's alias history, newest first. */
export function aliasHistoryShape(): QueryShape {
  return { collection: SUBCOLLECTIONS.aliasHistory, equalities: [], arrayContains: null, order: { field: 'at', direction: 'desc' } };
}

/** Versions whose Vertex AI mirror is due again (a range on one field: no composite index). */
export function mirrorsDueShape(): QueryShape {
  return { collection: COLLECTIONS.versions, equalities: [], arrayContains: null, order: { field: 'vertex.nextRetryAt', direction: 'asc' } };
}

/** Every shape deployment, aliases, lifecycle and the outbox run (for allQueryShapes). */
export function registryWriteShapes(): QueryShape[] {
  return [outboxDueShape(), deployedOnShape('e'), deploymentHistoryShape(), aliasHistoryShape(), mirrorsDueShape()];
}
