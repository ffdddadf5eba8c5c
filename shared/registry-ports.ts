import type { RegistryEvent } from './domain/registry-events';
import type { SignatureFact } from './domain/promotion-policy';
import type { PolicyFailure } from './schemas/policy';
import type { TrafficSplit } from './domain/traffic-split';
import type { AliasHistoryEntry, AliasRecord, DeploymentHistoryEntry } from './schemas/deployment';
import type { ModelVersion } from './schemas/model-version';

/** Ports of deployment, aliases, version lifecycle and registry events; adapters in functions/src/adapters. */

// ---------------------------------------------------------------- Vertex AI endpoints

export interface DeployedModelRef {
  id: string;
  /** The model resource name (without `@version`). */
  model: string;
  modelVersionId: string | null;
}

export interface EndpointState {
  name: string;
  deployedModels: DeployedModelRef[];
  trafficSplit: TrafficSplit;
  /** Changes with every change of the endpoint: what a traffic update is guarded by. */
  etag: string | null;
}

export interface DeployModelCall {
  endpoint: string;
  model: string;
  modelVersionId: string;
  displayName: string;
  machineType: string;
  minReplicas: number;
  maxReplicas: number;
  /** Keyed by deployed model id, with `"0"` for the model being deployed. */
  trafficSplit: TrafficSplit;
}

export interface ServingGateway {
  /** The full resource name of an endpoint given by name or id; VALIDATION_FAILED when it is another project's. */
  endpointName(ref: string): string;
  /** The family's own endpoint (display name `<family>-endpoint`), created when it does not exist. */
  familyEndpoint(familyId: string): Promise<string>;
  /** NOT_FOUND when the endpoint does not exist. */
  endpoint(name: string): Promise<EndpointState>;
  /** Returns once the deploy operation is done; its result names the deployed model. */
  deploy(call: DeployModelCall): Promise<{ deployedModelId: string }>;
  /** `absent` when the endpoint or deployed model no longer exists (nothing left to undeploy). */
  undeploy(call: { endpoint: string; deployedModelId: string; trafficSplit: TrafficSplit | null }): Promise<'undeployed' | 'absent'>;
  /**
   * Sets the endpoint's split if it is still at `etag` (UpdateEndpoint with the etag): a CONFLICT
   * (`TRAFFIC_CHANGED`) when someone changed the endpoint since it was read, so no change is lost.
   */
  setTraffic(call: { endpoint: string; trafficSplit: TrafficSplit; etag: string }): Promise<EndpointState>;
}

// ---------------------------------------------------------------- online prediction

export interface PredictCall {
  endpoint: string;
  instances: unknown[];
  parameters?: unknown;
}

export interface PredictAnswer {
  predictions: unknown[];
  deployedModelId: string;
  model: string;
  modelVersionId: string;
}

/** Vertex AI PredictionService.predict on an endpoint. */
export interface PredictionGateway {
  predict(call: PredictCall): Promise<PredictAnswer>;
}

// ---------------------------------------------------------------- live serving figures (Cloud Monitoring)

export interface FiguresQuery {
  endpoint: string;
  deployedModelId: string;
  start: Date;
  end: Date;
  /** Width of each bucket of the series. */
  bucketMs: number;
}

export interface FiguresBucket {
  start: string;
  end: string;
  predictions: number;
  errors: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

export interface ServingFigures {
  predictions: number;
  errors: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  /** Oldest first; buckets without predictions are left out. */
  buckets: FiguresBucket[];
}

/** One deployed model's online prediction figures over a window. */
export interface ServingFiguresReader {
  figures(query: FiguresQuery): Promise<ServingFigures>;
}

// ---------------------------------------------------------------- canary rollouts

export interface RolloutStepWrite {
  rollout: import('./schemas/rollout').Rollout;
  /** The endpoint's split after the change: every version deployed there records its share. */
  trafficSplit: TrafficSplit;
  history: DeploymentHistoryEntry;
  event: RegistryEvent;
  /** The status the rollout must still have (so that two callers cannot both act on it). */
  expectedStatus: 'running' | null;
}

export interface RolloutStore {
  get(challengerVersionId: string): Promise<import('./schemas/rollout').Rollout | null>;
  running(): Promise<import('./schemas/rollout').Rollout[]>;
  /** The one place a rollout step is recorded: rollout, traffic shares, history and event in one transaction. */
  recordStep(write: RolloutStepWrite): Promise<void>;
  setOnlineMetric(challengerVersionId: string, value: number): Promise<void>;
}

// ---------------------------------------------------------------- Vertex AI model aliases

export interface MirroredVersion {
  modelResourceName: string;
  versionId: string;
}

export interface AliasMirror {
  /** Gives the alias to this version (Vertex AI takes it from whichever version held it). */
  assign(version: MirroredVersion, alias: string): Promise<void>;
  remove(version: MirroredVersion, alias: string): Promise<void>;
}

// ---------------------------------------------------------------- events

export interface EventPublisher {
  /** Resolves with the message id once Pub/Sub has accepted the event. */
  publish(event: RegistryEvent): Promise<string>;
}

export interface OutboxStore {
  /** Ids of pending events whose next attempt is due, oldest first. */
  due(now: Date, limit: number): Promise<string[]>;
  /** Takes a pending, due event for `leaseMs` (so that concurrent drains do not both publish it). */
  claim(id: string, now: Date, leaseMs: number): Promise<{ event: RegistryEvent; attempts: number } | null>;
  markSent(id: string, messageId: string, now: Date): Promise<void>;
  markFailed(id: string, error: string, retryAt: Date): Promise<void>;
}

/** Publishes events right after the commit that wrote them; what fails is left to the next drain. */
export interface EventFlusher {
  flush(eventIds: readonly string[]): Promise<void>;
}

// ---------------------------------------------------------------- content-addressed blobs

export interface BlobReferences {
  /** SHA-256 digests of the blobs a manifest lists, or null when the manifest cannot be found. */
  digestsOf(manifestDigest: string): Promise<string[] | null>;
}

// ---------------------------------------------------------------- Firestore

export type DeployAction = 'deploy' | 'undeploy';

/** Held on a version while a deploy or undeploy calls Vertex AI, so that a concurrent one stands back. */
export interface DeploymentLease {
  id: string;
  action: DeployAction;
  holder: string;
  until: string;
}

export type LeaseClaim =
  | { outcome: 'claimed'; version: ModelVersion }
  | { outcome: 'noop'; version: ModelVersion }
  | { outcome: 'busy'; version: ModelVersion; lease: DeploymentLease };

export interface DeploymentOutcome {
  /** The version as Vertex AI left it, from the version as stored at commit time. */
  update(current: ModelVersion): ModelVersion;
  history: DeploymentHistoryEntry;
  event: RegistryEvent;
  /** The endpoint's split after the change: recorded on every version deployed there. */
  endpoint: { name: string; trafficSplit: TrafficSplit } | null;
}

export interface DeploymentStore {
  /**
   * In one transaction: NOT_FOUND when the version does not exist; `busy` when another live lease
   * holds it; otherwise `decide` (which may throw a domain error) says whether there is anything to
   * do, and when there is the lease is taken.
   */
  claim(versionId: string, lease: DeploymentLease, now: Date, decide: (version: ModelVersion) => 'proceed' | 'noop'): Promise<LeaseClaim>;
  /** Records what Vertex AI did, the history entry and the event, and releases the lease, atomically. */
  complete(versionId: string, leaseId: string, outcome: DeploymentOutcome): Promise<ModelVersion>;
  /** Releases the lease and records the failed attempt; the version is left as it was. */
  release(versionId: string, leaseId: string, history: DeploymentHistoryEntry): Promise<void>;
  history(versionId: string, limit: number): Promise<DeploymentHistoryEntry[]>;
  /** Versions recorded as deployed on an endpoint. */
  deployedOn(endpoint: string): Promise<ModelVersion[]>;
}

export interface AliasChange {
  alias: string;
  familyId: string;
  from: { version: number; versionId: string; vertex: MirroredVersion | null } | null;
  to: { version: number; versionId: string; vertex: MirroredVersion | null } | null;
  eventId: string;
}

export type AliasWrite =
  | { changed: true; change: AliasChange; record: AliasRecord | null }
  /**
   * `named`: the Vertex mirror of the version the alias already names (so a pending mirror can be redone).
   * `refused`: the alias is protected and the move failed these rules (the refusal is audited).
   */
  | { changed: false; record: AliasRecord | null; named: MirroredVersion | null; refused?: PolicyFailure[] };

export interface AliasMove {
  familyId: string;
  alias: string;
  /** null removes the alias. */
  versionId: string | null;
  /** undefined: no check; null: the alias must not exist; n: it must name version n. */
  expectedVersion: number | null | undefined;
  actor: string;
  at: Date;
  /** `latest` only ever moves to a newer version (registrations may finish out of order). */
  onlyForward: boolean;
  /** Why (audit trail). */
  reason: string | null;
  /** false for `latest`, which the registry moves at every registration (its aliasHistory keeps it). */
  audited: boolean;
  /** The target's signature as verified before the transaction (a protected alias may require it). */
  signature: SignatureFact | null;
  event(change: Omit<AliasChange, 'eventId'>): RegistryEvent;
}

export interface AliasStore {
  /** Moves (or removes) an alias, updates both versions' `aliases`, history and outbox in one transaction. */
  move(move: AliasMove): Promise<AliasWrite>;
  /** The version id an alias names, or null. */
  resolve(familyId: string, alias: string): Promise<string | null>;
  list(familyId: string): Promise<AliasRecord[]>;
  history(familyId: string, limit: number): Promise<AliasHistoryEntry[]>;
  /** Records the outcome of mirroring a move to Vertex AI, unless the alias moved again since. */
  recordMirror(familyId: string, alias: string, versionId: string, vertex: AliasRecord['vertex']): Promise<void>;
}

export interface ArchiveResult {
  changed: boolean;
  version: ModelVersion;
  eventId: string | null;
}

export interface DeleteRequest {
  versionId: string;
  actor: string;
  at: Date;
  blobDigests: string[] | null;
  deletedEvent(version: ModelVersion): RegistryEvent;
  /** The `latest` alias moves to the newest remaining version (or goes when none remains). */
  latestMoved(change: Omit<AliasChange, 'eventId'>): RegistryEvent;
}

export interface LifecycleStore {
  /** CONFLICT while the version is deployed (a serving version must stay visible). */
  archive(versionId: string, at: Date, actor: string, event: (version: ModelVersion) => RegistryEvent): Promise<ArchiveResult>;
  /**
   * In one transaction: refuses (CONFLICT) a version that is deployed, being deployed, or holds an
   * alias other than `latest`; deletes it; records a tombstone with its blob digests.
   */
  delete(request: DeleteRequest): Promise<{ version: ModelVersion; latest: AliasChange | null; eventIds: string[] }>;
}
