import { randomUUID } from 'node:crypto';
import { createEventFactory } from '../../../shared/domain/registry-events';
import type { Clock, VersionReader } from '../../../shared/ports';
import type { BlobReferences, EventPublisher } from '../../../shared/registry-ports';
import { FirestoreAliasStore } from '../adapters/firestore/alias-store';
import type { FirestoreProvider } from '../adapters/firestore/client';
import { FirestoreDeploymentStore } from '../adapters/firestore/deployment-store';
import { FirestoreLifecycleStore } from '../adapters/firestore/lifecycle-store';
import { FirestoreOutbox } from '../adapters/firestore/outbox';
import { GcsObjectStore, lazyStorage } from '../adapters/gcs/object-store';
import { PubSubEventPublisher, lazyPubSub } from '../adapters/pubsub/publisher';
import { VertexAliasMirror } from '../adapters/vertex/alias-mirror';
import { lazyVertexClient } from '../adapters/vertex/clients';
import { DEFAULT_OPERATION_TUNING, VertexServing } from '../adapters/vertex/endpoints';
import { VertexPrediction } from '../adapters/vertex/prediction';
import { CloudMonitoringFigures, lazyMonitoringClient } from '../adapters/monitoring/prediction-figures';
import { ServingMonitor } from '../app/serving-monitor';
import { RolloutService } from '../app/rollouts';
import { FirestoreRolloutStore } from '../adapters/firestore/rollout-store';
import { rolloutRoutes } from '../http/routes/rollout-routes';
import type { OperationTuning } from '../adapters/vertex/grpc-errors';
import { AliasService, createVersionRefResolver, type VersionRefResolver } from '../app/aliases';
import { DeploymentService } from '../app/deployments';
import { PredictionService } from '../app/predictions';
import { DEFAULT_DRAIN_SETTINGS, OutboxDrainer, type DrainSettings } from '../app/outbox-drainer';
import { VersionLifecycle, manifestBlobReferences } from '../app/version-lifecycle';
import type { Route } from '../http/route';
import { FirestoreAuditLog } from '../adapters/firestore/audit-log';
import { FirestorePolicyStore } from '../adapters/firestore/policy-store';
import { AuditTrail } from '../app/audit-trail';
import { PromotionPolicies } from '../app/promotion-policies';
import { VersionSignatureChecker } from '../app/signature-check';
import { auditRoutes } from '../http/routes/audit-routes';
import { policyRoutes } from '../http/routes/policy-routes';
import { roleRoutes } from '../http/routes/role-routes';
import { FirestoreRoleGrants } from '../adapters/firestore/role-grants';
import { buildVersionSigning, type BuiltSigning } from './version-signing';
import { aliasRoutes } from '../http/routes/alias-routes';
import { deploymentRoutes } from '../http/routes/deployment-routes';
import { lifecycleRoutes } from '../http/routes/lifecycle-routes';
import { monitoringRoutes, predictionRoutes } from '../http/routes/prediction-routes';
import { createLogger, type Logger } from '../log';
import type { RegistryWritesConfig } from '../registry-config';

export interface RegistryWritesOverrides {
  clock?: Clock;
  ids?: () => string;
  log?: Logger;
  /** Lets tests wrap (not replace) the Pub/Sub publisher, e.g. to make some publishes fail. */
  wrapPublisher?: (publisher: EventPublisher) => EventPublisher;
  operationTuning?: Partial<OperationTuning>;
  drainSettings?: DrainSettings;
  /** Replaces the GCS-backed manifest reader (null: do not read manifests). */
  blobs?: BlobReferences | null;
}

export interface RegistryWrites {
  routes: Route[];
  /** `family@alias` → version id: for every route that takes a version id. */
  resolveVersionRef: VersionRefResolver;
  deployments: DeploymentService;
  predictions: PredictionService;
  monitor: ServingMonitor;
  /** Canary rollouts; `advance()` is the minute job's part. */
  rollouts: RolloutService;
  aliases: AliasService;
  lifecycle: VersionLifecycle;
  drainer: OutboxDrainer;
  /** Version signing (null: SIGNING_KEY or the registry bucket not configured); also checks signatures for protected aliases. */
  signing: BuiltSigning | null;
  auditLog: FirestoreAuditLog;
  /** Closes the Google clients that were built (tests and the local stack). */
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Deployment, aliases, lifecycle and events, wired from configuration. Nothing is built here but
 * objects: every Google client is created on first use.
 */
export function buildRegistryWrites(
  config: RegistryWritesConfig,
  firestore: FirestoreProvider,
  versions: VersionReader,
  overrides: RegistryWritesOverrides = {},
): RegistryWrites {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomUUID;
  const log = overrides.log ?? createLogger(config.logLevel);
  const events = createEventFactory({ source: config.events.source, ids, now: () => clock.now() });

  const endpointClient = tracked(lazyVertexClient(config.vertex, 'EndpointServiceClient'));
  const modelClient = tracked(lazyVertexClient(config.vertex, 'ModelServiceClient'));
  const predictionClient = tracked(lazyVertexClient(config.vertex, 'PredictionServiceClient'));
  const monitoringClient = tracked(lazyMonitoringClient(config.monitoring));
  const pubsub = tracked(lazyPubSub({ projectId: config.projectId, apiEndpoint: config.events.pubsubApiEndpoint }));

  const publisher = new PubSubEventPublisher(pubsub.provider, { topic: config.events.topic, publishTimeoutMs: config.events.publishTimeoutMs });
  const drainer = new OutboxDrainer(
    new FirestoreOutbox(firestore), overrides.wrapPublisher?.(publisher) ?? publisher, clock, log, overrides.drainSettings ?? DEFAULT_DRAIN_SETTINGS,
  );
  const signing = buildVersionSigning({
    signing: config.signing, registryBucket: config.registryBucket, projectId: config.projectId,
    storageApiEndpoint: config.storageApiEndpoint, firestore, log, clock,
  });
  const aliasStore = new FirestoreAliasStore(firestore, ids);
  const policyStore = new FirestorePolicyStore(firestore, () => clock.now());
  const aliases = new AliasService({
    store: aliasStore, mirror: new VertexAliasMirror(modelClient.provider), events, flusher: drainer, clock, log,
    signatures: signing && new VersionSignatureChecker(signing.signing, versions), policies: policyStore,
  });
  const auditLog = new FirestoreAuditLog(firestore);
  const policies = new PromotionPolicies(policyStore);
  const deploymentStore = new FirestoreDeploymentStore(firestore);
  const serving = new VertexServing(endpointClient.provider, config.vertex, {
    ...DEFAULT_OPERATION_TUNING, timeoutMs: config.deploy.operationTimeoutMs, ...overrides.operationTuning,
  });
  const deployments = new DeploymentService({
    store: deploymentStore,
    serving,
    events, flusher: drainer, clock, ids, log, leaseMs: config.deploy.leaseMs,
  });
  const predictions = new PredictionService({ versions, deployments: deploymentStore, gateway: new VertexPrediction(predictionClient.provider) });
  const figures = new CloudMonitoringFigures(monitoringClient.provider, config.monitoring.project);
  const monitor = new ServingMonitor({ versions, figures, clock });
  const rollouts = new RolloutService({
    versions, deployments: deploymentStore, deploy: deployments, serving, figures, store: new FirestoreRolloutStore(firestore),
    events, flusher: drainer, clock, ids, log,
  });
  const blobs = overrides.blobs !== undefined
    ? overrides.blobs
    : config.registryBucket
      ? manifestBlobReferences(new GcsObjectStore(lazyStorage({ projectId: config.projectId, apiEndpoint: config.storageApiEndpoint })), config.registryBucket)
      : null;
  const lifecycle = new VersionLifecycle({ versions, store: new FirestoreLifecycleStore(firestore, ids), aliases, blobs, events, flusher: drainer, clock, log });
  const resolveVersionRef = createVersionRefResolver(aliasStore);

  return {
    routes: [
      ...deploymentRoutes(deployments, resolveVersionRef), ...predictionRoutes(predictions, resolveVersionRef),
      ...monitoringRoutes(monitor, resolveVersionRef), ...rolloutRoutes(rollouts, resolveVersionRef),
      ...aliasRoutes(aliases, resolveVersionRef), ...lifecycleRoutes(lifecycle, resolveVersionRef),
      ...policyRoutes(policies, resolveVersionRef), ...auditRoutes(new AuditTrail(auditLog)),
      ...roleRoutes(new FirestoreRoleGrants(firestore, () => clock.now())),
    ],
    resolveVersionRef, deployments, predictions, monitor, rollouts, aliases, lifecycle, drainer, signing, auditLog,
    async close() {
      await Promise.all([
        endpointClient.close((c) => c.close()), modelClient.close((c) => c.close()), predictionClient.close((c) => c.close()),
        monitoringClient.close((c) => c.close()), pubsub.close((c) => c.close()), signing?.close(),
      ]);
    },
  };
}

/** A lazy provider that remembers whether it built its client, so that close() builds none. */
function tracked<T>(provider: () => Promise<T>) {
  let built: Promise<T> | undefined;
  return {
    provider: () => (built ??= provider()),
    close: async (fn: (client: T) => Promise<unknown>) => {
      if (built) await fn(await built);
    },
  };
}
