import { LRUCache } from 'lru-cache';
import { DomainError, NotFoundError } from '../../../shared/errors';
import type { VersionReader } from '../../../shared/ports';
import type { DeploymentStore, PredictionGateway } from '../../../shared/registry-ports';
import { MAX_PREDICT_REQUEST_BYTES, type PredictRequest, type PredictResponse } from '../../../shared/schemas/prediction';

export interface PredictionDeps {
  versions: VersionReader;
  /** Finds which registry version a deployed model on the endpoint is. */
  deployments: Pick<DeploymentStore, 'deployedOn'>;
  gateway: PredictionGateway;
  /** Milliseconds, monotonic. */
  elapsed?: () => number;
  /**
   * How long a version's serving target (endpoint, deployed model) and an endpoint's deployed models
   * are reused without reading Firestore (default 5 s; 0 reads every time).
   */
  targetTtlMs?: number;
}

interface ServingTarget { endpoint: string; deployedModelId: string | null }

/** Most versions and endpoints whose serving targets one instance keeps. */
const MAX_TARGETS = 1000;

/**
 * The playground's predict: sends instances to the endpoint the version is deployed on. Vertex AI spreads
 * them by the endpoint's traffic split, so the answer says which deployed model (and registry version)
 * answered: during a canary it may be the other one.
 */
export class PredictionService {
  // Predictions are the hot path: the version read costs more than a fast model's answer. A target
  // only goes stale for the TTL, and a stale one still answers truly: Vertex serves by the endpoint's
  // split and says which deployed model answered. Versions not deployed are never cached.
  private readonly ttl: number;
  private readonly targets: LRUCache<string, ServingTarget>;
  private readonly endpoints: LRUCache<string, Map<string, string>>;

  constructor(private readonly deps: PredictionDeps) {
    this.ttl = deps.targetTtlMs ?? 5000;
    // lru-cache wants a positive TTL; a zero one bypasses the caches altogether.
    this.targets = new LRUCache({ max: MAX_TARGETS, ttl: Math.max(this.ttl, 1) });
    this.endpoints = new LRUCache({ max: MAX_TARGETS, ttl: Math.max(this.ttl, 1) });
  }

  async predict(versionId: string, request: PredictRequest): Promise<PredictResponse> {
    // Checked before anything is read or sent: Vertex would refuse it anyway, after the round trip.
    const bytes = Buffer.byteLength(JSON.stringify({ instances: request.instances, parameters: request.parameters }));
    if (bytes > MAX_PREDICT_REQUEST_BYTES) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `The instances and parameters take ${bytes} bytes; Vertex AI online prediction takes at most ${MAX_PREDICT_REQUEST_BYTES}`, {
        bytes, limit: MAX_PREDICT_REQUEST_BYTES,
      });
    }
    const elapsed = this.deps.elapsed ?? (() => performance.now());
    let target = await this.target(versionId);
    let started = elapsed();
    const send = () => this.deps.gateway.predict({ endpoint: target.endpoint, instances: request.instances, parameters: request.parameters });
    let answer;
    try {
      answer = await send();
    } catch (error) {
      // A cached target Vertex refuses (endpoint gone, no model deployed: UPSTREAM_FAILED) may have been
      // undeployed meanwhile: read it again before answering. A failing model is not asked twice.
      if (!target.cached || !(error instanceof DomainError && error.code === 'UPSTREAM_FAILED')) throw error;
      this.targets.delete(versionId);
      target = await this.target(versionId);
      started = elapsed();
      answer = await send();
    }
    const latencyMs = Math.round((elapsed() - started) * 100) / 100;
    const { endpoint, deployedModelId } = target;
    const answeredVersion = answer.deployedModelId === deployedModelId ? versionId : (await this.servedOn(endpoint)).get(answer.deployedModelId) ?? null;
    return {
      versionId,
      predictions: answer.predictions,
      answeredBy: { endpoint, deployedModelId: answer.deployedModelId, model: answer.model, modelVersionId: answer.modelVersionId, versionId: answeredVersion },
      latencyMs,
    };
  }

  private async target(versionId: string): Promise<ServingTarget & { cached: boolean }> {
    const cached = this.ttl > 0 ? this.targets.get(versionId) : undefined;
    if (cached) return { ...cached, cached: true };
    const version = await this.deps.versions.get(versionId);
    if (!version) throw new NotFoundError('Model version', versionId);
    const endpoint = version.deployed ? version.deployment?.endpoint : null;
    if (!endpoint) throw new DomainError('NOT_DEPLOYED', `Model version '${versionId}' is not deployed: deploy it before sending it predictions`, { versionId });
    const target = { endpoint, deployedModelId: version.deployment?.deployedModelId ?? null };
    if (this.ttl > 0) this.targets.set(versionId, target);
    return { ...target, cached: false };
  }

  /** Deployed model id → registry version, for the versions serving on an endpoint. */
  private async servedOn(endpoint: string): Promise<Map<string, string>> {
    const cached = this.ttl > 0 ? this.endpoints.get(endpoint) : undefined;
    if (cached) return cached;
    const served = new Map((await this.deps.deployments.deployedOn(endpoint)).flatMap((v) => (v.deployment?.deployedModelId ? [[v.deployment.deployedModelId, v.id] as const] : [])));
    if (this.ttl > 0) this.endpoints.set(endpoint, served);
    return served;
  }
}
