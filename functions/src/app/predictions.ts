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
}

/**
 * The playground's predict: sends instances to the endpoint the version is deployed on. Vertex AI spreads
 * them by the endpoint's traffic split, so the answer says which deployed model (and registry version)
 * answered: during a canary it may be the other one.
 */
export class PredictionService {
  constructor(private readonly deps: PredictionDeps) {}

  async predict(versionId: string, request: PredictRequest): Promise<PredictResponse> {
    // Checked before anything is read or sent: Vertex would refuse it anyway, after the round trip.
    const bytes = Buffer.byteLength(JSON.stringify({ instances: request.instances, parameters: request.parameters }));
    if (bytes > MAX_PREDICT_REQUEST_BYTES) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `The instances and parameters take ${bytes} bytes; Vertex AI online prediction takes at most ${MAX_PREDICT_REQUEST_BYTES}`, {
        bytes, limit: MAX_PREDICT_REQUEST_BYTES,
      });
    }
    const version = await this.deps.versions.get(versionId);
    if (!version) throw new NotFoundError('Model version', versionId);
    const endpoint = version.deployed ? version.deployment?.endpoint : null;
    if (!endpoint) throw new DomainError('NOT_DEPLOYED', `Model version '${versionId}' is not deployed: deploy it before sending it predictions`, { versionId });

    const elapsed = this.deps.elapsed ?? (() => performance.now());
    const started = elapsed();
    const answer = await this.deps.gateway.predict({ endpoint, instances: request.instances, parameters: request.parameters });
    const latencyMs = Math.round((elapsed() - started) * 100) / 100;
    const answeredVersion = answer.deployedModelId === version.deployment?.deployedModelId
      ? version.id
      : (await this.deps.deployments.deployedOn(endpoint)).find((v) => v.deployment?.deployedModelId === answer.deployedModelId)?.id ?? null;
    return {
      versionId: version.id,
      predictions: answer.predictions,
      answeredBy: { endpoint, deployedModelId: answer.deployedModelId, model: answer.model, modelVersionId: answer.modelVersionId, versionId: answeredVersion },
      latencyMs,
    };
  }
}
