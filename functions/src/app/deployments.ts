import { ConflictError, DomainError } from '../../../shared/errors';
import { versionRef, type EventFactory } from '../../../shared/domain/registry-events';
import { splitForDeploy, splitWithout, dropFromSplit, withDeployedId, type TrafficSplit } from '../../../shared/domain/traffic-split';
import { toVersionView } from '../../../shared/domain/version-view';
import type { Clock } from '../../../shared/ports';
import type {
  DeploymentLease, DeploymentStore, DeployAction, EventFlusher, LeaseClaim, ServingGateway,
} from '../../../shared/registry-ports';
import type { ModelVersionView } from '../../../shared/schemas/api';
import type { DeployRequest, DeploymentHistoryEntry, UndeployRequest } from '../../../shared/schemas/deployment';
import type { Deployment, ModelVersion } from '../../../shared/schemas/model-version';
import type { Logger } from '../log';

const DEPLOYMENT_HISTORY_LIMIT = 100;

export interface DeploymentDeps {
  store: DeploymentStore;
  serving: ServingGateway;
  events: EventFactory;
  flusher: EventFlusher;
  clock: Clock;
  ids: () => string;
  log: Logger;
  /** Longer than a deploy may take (the Vertex operation timeout), so that a live holder is never overtaken. */
  leaseMs: number;
}

export interface DeploymentResult {
  /** false: nothing needed doing (already deployed, or not deployed), and nothing was done. */
  changed: boolean;
  version: ModelVersionView;
  deployment: Deployment | null;
  /** Versions of the same family that the new one replaced on its endpoint (undeployed). */
  replaced: string[];
}

export class DeploymentInProgressError extends ConflictError {
  constructor(versionId: string, lease: DeploymentLease) {
    super(`Model version '${versionId}' is being ${lease.action === 'deploy' ? 'deployed' : 'undeployed'} by ${lease.holder}; try again once that finishes`, {
      inProgress: { action: lease.action, by: lease.holder, until: lease.until },
    });
  }
}

/**
 * Deploy and undeploy (seed 000's Deployment tab). The version's state is changed only from what
 * Vertex AI did: a lease on the version keeps a second caller from calling Vertex for the same
 * version; the deployed model id comes from the operation's result; a failed call releases the
 * lease and leaves the version as it was (the attempt goes into the history).
 *
 * Traffic: the new version takes `trafficPercent` of its endpoint and the models already there
 * keep their relative weights in the rest. At 100 %, other versions of the same family on that
 * endpoint are then undeployed (the new version replaces them; each undeploy is recorded with
 * "replaced by"); below 100 % they keep serving beside it (a canary).
 */
export class DeploymentService {
  constructor(private readonly deps: DeploymentDeps) {}

  async deploy(versionId: string, request: DeployRequest, actor: string): Promise<DeploymentResult> {
    const { serving } = this.deps;
    // Validated before any state changes, so that a bad name is a 400, not a failed attempt.
    const requestedEndpoint = request.endpoint ? serving.endpointName(request.endpoint) : null;
    const { lease, claim } = await this.claim(versionId, 'deploy', actor, (version) => {
      if (version.archived) throw new ConflictError(`Model version '${version.id}' is archived: it cannot be deployed`, { versionId: version.id });
      if (version.deployed) {
        const current = version.deployment?.endpoint;
        if (requestedEndpoint && current && requestedEndpoint !== current) {
          throw new ConflictError(`Model version '${version.id}' is deployed to ${current}: undeploy it before deploying it elsewhere`, { endpoint: current });
        }
        return 'noop';
      }
      if (version.blessed !== true && !request.force) {
        const state = version.blessed === null ? 'still pending evaluation' : 'not blessed';
        throw new DomainError('NOT_BLESSED', `Model version '${version.id}' is ${state}: pass "force": true to deploy it anyway`, { blessed: version.blessed });
      }
      if (!mirrorOf(version)) {
        throw new ConflictError(`Model version '${version.id}' is not in Vertex AI Model Registry yet (mirror ${version.vertex.state})`, { vertexState: version.vertex.state });
      }
      return 'proceed';
    });
    if (claim.outcome === 'noop') return { changed: false, version: toVersionView(claim.version), deployment: claim.version.deployment, replaced: [] };

    const version = claim.version;
    const mirror = mirrorOf(version)!;
    let endpoint = requestedEndpoint;
    let deployedModelId: string;
    let split: TrafficSplit;
    try {
      endpoint ??= await serving.familyEndpoint(version.familyId);
      const state = await serving.endpoint(endpoint);
      // An earlier attempt whose answer was lost may have deployed it: adopt it, never deploy twice.
      const existing = state.deployedModels.find((d) => d.model === mirror.modelResourceName && d.modelVersionId === mirror.versionId);
      if (existing) {
        deployedModelId = existing.id;
        split = state.trafficSplit;
      } else {
        const requested = splitForDeploy(state.trafficSplit, request.trafficPercent);
        ({ deployedModelId } = await serving.deploy({
          endpoint, model: mirror.modelResourceName, modelVersionId: mirror.versionId, displayName: version.name,
          machineType: request.machineType, minReplicas: request.minReplicas, maxReplicas: request.maxReplicas, trafficSplit: requested,
        }));
        split = withDeployedId(requested, deployedModelId);
      }
    } catch (error) {
      await this.fail(version, lease, 'deploy_failed', actor, error, { endpoint, request });
      throw error;
    }

    const at = this.deps.clock.now().toISOString();
    const deployment: Deployment = {
      endpoint, deployedModelId, deployedAt: at, deployedBy: actor, machineType: request.machineType,
      minReplicas: request.minReplicas, maxReplicas: request.maxReplicas, trafficPercent: split[deployedModelId] ?? 0,
    };
    const event = this.deps.events('version.deployed', version.id, {
      ...versionRef(version), ...deploymentData(deployment), actor, force: request.force, blessed: version.blessed, reason: request.reason ?? null,
    });
    const recorded = await this.deps.store.complete(version.id, lease.id, {
      update: (current) => ({ ...current, deployed: true, deployment }),
      history: this.entry(version, 'deployed', actor, {
        endpoint, deployedModelId, resources: deployment, force: request.force, reason: request.reason ?? null,
      }),
      event,
      endpoint: { name: endpoint, trafficSplit: split },
    });
    await this.deps.flusher.flush([event.id]);
    const replaced = deployment.trafficPercent === 100 ? await this.replaceOlder(recorded, actor) : [];
    return { changed: true, version: toVersionView(recorded), deployment, replaced };
  }

  async undeploy(versionId: string, request: UndeployRequest, actor: string): Promise<DeploymentResult> {
    const { lease, claim } = await this.claim(versionId, 'undeploy', actor, (version) => (version.deployed ? 'proceed' : 'noop'));
    if (claim.outcome === 'noop') return { changed: false, version: toVersionView(claim.version), deployment: null, replaced: [] };

    const version = claim.version;
    // A version marked deployed without a deployment record (imported data) has nothing to remove.
    const deployment = version.deployment;
    let removal: { outcome: 'undeployed' | 'absent'; remainingSplit: TrafficSplit | null } = { outcome: 'absent', remainingSplit: null };
    try {
      if (deployment) removal = await this.removeFromEndpoint(deployment);
    } catch (error) {
      await this.fail(version, lease, 'undeploy_failed', actor, error, { endpoint: deployment?.endpoint ?? null });
      throw error;
    }

    const reason = request.reason ?? (removal.outcome === 'absent' ? 'no longer deployed on Vertex AI' : null);
    const event = this.deps.events('version.undeployed', version.id, {
      ...versionRef(version), ...(deployment ? deploymentData(deployment) : { endpoint: null, deployedModelId: null }), actor, reason,
    });
    const recorded = await this.deps.store.complete(version.id, lease.id, {
      update: (current) => ({ ...current, deployed: false, deployment: null }),
      history: this.entry(version, 'undeployed', actor, {
        endpoint: deployment?.endpoint ?? null, deployedModelId: deployment?.deployedModelId ?? null, resources: deployment, force: false, reason,
      }),
      event,
      endpoint: deployment && removal.remainingSplit ? { name: deployment.endpoint, trafficSplit: removal.remainingSplit } : null,
    });
    await this.deps.flusher.flush([event.id]);
    return { changed: true, version: toVersionView(recorded), deployment, replaced: [] };
  }

  /**
   * Undeploys the model from its endpoint; a model that still takes traffic hands its share to
   * those that remain. `absent` when Vertex AI no longer serves it (endpoint or model gone).
   */
  private async removeFromEndpoint(deployment: Deployment): Promise<{ outcome: 'undeployed' | 'absent'; remainingSplit: TrafficSplit | null }> {
    const id = deployment.deployedModelId;
    const state = await this.deps.serving.endpoint(deployment.endpoint).catch((error) => {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    });
    if (!state || !id || !state.deployedModels.some((d) => d.id === id)) return { outcome: 'absent', remainingSplit: null };
    const remaining = state.deployedModels.map((d) => d.id).filter((other) => other !== id);
    const split = splitWithout(state.trafficSplit, id, remaining);
    const outcome = await this.deps.serving.undeploy({ endpoint: deployment.endpoint, deployedModelId: id, trafficSplit: split });
    return { outcome, remainingSplit: split ?? dropFromSplit(state.trafficSplit, id) };
  }

  history(versionId: string): Promise<DeploymentHistoryEntry[]> {
    return this.deps.store.history(versionId, DEPLOYMENT_HISTORY_LIMIT);
  }

  private async claim(versionId: string, action: DeployAction, actor: string, decide: (v: ModelVersion) => 'proceed' | 'noop') {
    const now = this.deps.clock.now();
    const lease: DeploymentLease = { id: this.deps.ids(), action, holder: actor, until: new Date(now.getTime() + this.deps.leaseMs).toISOString() };
    const claim: LeaseClaim = await this.deps.store.claim(versionId, lease, now, decide);
    if (claim.outcome === 'busy') throw new DeploymentInProgressError(versionId, claim.lease);
    return { lease, claim };
  }

  /** Other versions of the family left on the endpoint with no traffic: the new version replaced them. */
  private async replaceOlder(version: ModelVersion, actor: string): Promise<string[]> {
    const endpoint = version.deployment!.endpoint;
    const older = (await this.deps.store.deployedOn(endpoint)).filter((v) => v.familyId === version.familyId && v.id !== version.id && v.deployment?.trafficPercent === 0);
    const replaced: string[] = [];
    for (const old of older) {
      try {
        const result = await this.undeploy(old.id, { reason: `replaced by ${version.id}` }, actor);
        if (result.changed) replaced.push(old.id);
      } catch (error) {
        // It keeps serving with no traffic; an explicit undeploy can remove it later.
        this.deps.log.warn('deploy: could not undeploy the version replaced', { versionId: old.id, replacedBy: version.id, error });
      }
    }
    return replaced;
  }

  private async fail(version: ModelVersion, lease: DeploymentLease, action: 'deploy_failed' | 'undeploy_failed', actor: string, error: unknown, attempt: { endpoint: string | null; request?: DeployRequest }) {
    const { request } = attempt;
    const entry = this.entry(version, action, actor, {
      endpoint: attempt.endpoint,
      deployedModelId: request ? null : version.deployment?.deployedModelId ?? null,
      resources: request ?? null,
      force: request?.force ?? false,
      reason: request?.reason ?? null,
      error: error instanceof DomainError ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: String(error) },
    });
    try {
      await this.deps.store.release(version.id, lease.id, entry);
    } catch (releaseError) {
      // The lease then lapses on its own; the caller still hears the original error.
      this.deps.log.error('deploy: could not release the lease after a failed attempt', { versionId: version.id, error: releaseError });
    }
  }

  private entry(version: ModelVersion, action: DeploymentHistoryEntry['action'], actor: string, p: {
    endpoint: string | null;
    deployedModelId: string | null;
    resources: Pick<Deployment, 'machineType' | 'minReplicas' | 'maxReplicas' | 'trafficPercent'> | null;
    force: boolean;
    reason: string | null;
    error?: DeploymentHistoryEntry['error'];
  }): DeploymentHistoryEntry {
    const r = p.resources;
    return {
      id: this.deps.ids(), versionId: version.id, action, endpoint: p.endpoint, deployedModelId: p.deployedModelId, actor,
      at: this.deps.clock.now().toISOString(),
      machineType: r?.machineType ?? null,
      replicas: r ? { min: r.minReplicas, max: r.maxReplicas } : null,
      trafficPercent: r?.trafficPercent ?? null,
      force: p.force, blessed: version.blessed, reason: p.reason, error: p.error ?? null,
    };
  }
}

function mirrorOf(version: ModelVersion): { modelResourceName: string; versionId: string } | null {
  const { state, modelResourceName, versionId } = version.vertex;
  return state === 'mirrored' && modelResourceName && versionId ? { modelResourceName, versionId } : null;
}

function deploymentData(d: Deployment) {
  return {
    endpoint: d.endpoint, deployedModelId: d.deployedModelId, machineType: d.machineType,
    minReplicas: d.minReplicas, maxReplicas: d.maxReplicas, trafficPercent: d.trafficPercent,
  };
}
