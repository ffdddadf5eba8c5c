import { createHash } from 'node:crypto';
import { grpc } from 'google-gax';
import type { TwinContext } from './context';
import { RpcError, failedPrecondition, fieldErrors, notFound } from './errors';
import type { DeployedModel, Endpoint } from './types';
import { canonicalJson, fromValue, toValue, type Json } from './values';

/** One online prediction as the twin served it: what its Cloud Monitoring figures are built from. */
export interface PredictionRecord {
  endpoint: string;
  deployedModelId: string;
  /** ms since the epoch, when it was answered */
  at: number;
  latencyMs: number;
  /** the gRPC code answered, 0 when it succeeded */
  code: number;
}

/** How the twin makes one deployed model misbehave (a bad challenger). */
export interface PredictionFault {
  /** Answer this status instead of predictions (default INTERNAL). Absent with `delayMs`: answer, but late. */
  code?: number;
  message?: string;
  /** Added to every answer of that model. */
  delayMs?: number;
}

// Vertex AI refuses online prediction requests over 1.5 MB.
const MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
const RECORDS_KEPT = 100_000;

/**
 * PredictionService.Predict on the endpoints of the twin. Each deployed model serves the toy model the toy
 * trainer writes: a score in [0, 1) derived from the model version and the instance, so that answers are
 * deterministic and two versions answer differently. Requests are spread over the deployed models by smooth
 * weighted round robin on the endpoint's traffic split: over any 100 consecutive requests each model gets
 * exactly its percentage, and the order is reproducible.
 */
export class PredictionRouter {
  private readonly credit = new Map<string, Map<string, number>>();
  private readonly faults = new Map<string, PredictionFault>();
  readonly records: PredictionRecord[] = [];

  constructor(private readonly ctx: TwinContext) {}

  failDeployedModel(deployedModelId: string, fault: PredictionFault = {}): void {
    this.faults.set(deployedModelId, { ...fault });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** The deployed model that serves the next request to the endpoint. */
  pick(endpoint: Endpoint): DeployedModel {
    const models = endpoint.deployedModels ?? [];
    if (!models.length) throw failedPrecondition(`Endpoint ${endpoint.name} does not have any deployed model.`);
    const split = endpoint.trafficSplit ?? {};
    const weighted = models.filter((m) => (split[m.id!] ?? 0) > 0);
    if (!weighted.length) throw failedPrecondition(`No traffic is routed to any deployed model of Endpoint ${endpoint.name}.`);
    const credit = this.credit.get(endpoint.name!) ?? new Map<string, number>();
    this.credit.set(endpoint.name!, credit);
    const total = weighted.reduce((sum, m) => sum + split[m.id!]!, 0);
    let best: DeployedModel | undefined;
    for (const m of weighted) {
      const next = (credit.get(m.id!) ?? 0) + split[m.id!]!;
      credit.set(m.id!, next);
      if (!best || next > credit.get(best.id!)!) best = m;
    }
    credit.set(best!.id!, credit.get(best!.id!)! - total);
    return best!;
  }

  async predict(request: { endpoint?: string | null; instances?: unknown[] | null; parameters?: unknown }): Promise<object> {
    const started = performance.now();
    const name = this.ctx.names.resource(request.endpoint, 'endpoints', 'endpoint').name;
    const endpoint = this.ctx.state.endpoints.get(name);
    if (!endpoint) throw notFound(`Endpoint ${name} not found.`);
    const instances = (request.instances ?? []).map((v) => fromValue(v as never));
    if (!instances.length) throw fieldErrors([{ field: 'instances', description: 'Required field is not set.' }]);
    const size = Buffer.byteLength(JSON.stringify({ instances, parameters: fromValue(request.parameters as never) }));
    if (size > MAX_REQUEST_BYTES) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes.`);

    const deployed = this.pick(endpoint);
    const fault = this.faults.get(deployed.id!);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const record = (code: number) => {
      this.records.push({ endpoint: name, deployedModelId: deployed.id!, at: Date.now(), latencyMs: performance.now() - started, code });
      if (this.records.length > RECORDS_KEPT) this.records.splice(0, this.records.length - RECORDS_KEPT);
    };
    if (fault && (fault.code !== undefined || !fault.delayMs)) {
      const code = fault.code ?? grpc.status.INTERNAL;
      record(code);
      throw new RpcError(code, fault.message ?? `The model server of DeployedModel ${deployed.id} failed to answer.`);
    }
    const version = `${deployed.model}@${deployed.modelVersionId}`;
    record(0);
    return {
      predictions: instances.map((instance) => toValue(toyPrediction(version, instance))),
      deployedModelId: deployed.id,
      model: deployed.model,
      modelVersionId: deployed.modelVersionId,
      modelDisplayName: deployed.displayName ?? '',
    };
  }
}

/** What the toy model answers for one instance: a score and a label, derived from the version and the instance. */
export function toyPrediction(modelVersion: string, instance: Json): Json {
  const digest = createHash('sha256').update(`${modelVersion}\n${canonicalJson(instance)}`).digest();
  const score = Math.round((digest.readUInt32BE(0) / 2 ** 32) * 10_000) / 10_000;
  return { score, label: score >= 0.5 ? 'positive' : 'negative' };
}

export function predictionService(router: PredictionRouter) {
  return {
    Predict: (request: { endpoint?: string; instances?: unknown[]; parameters?: unknown }) => router.predict(request),
  };
}
