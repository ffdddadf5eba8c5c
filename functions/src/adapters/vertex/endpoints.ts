import { createHash } from 'node:crypto';
import type { protos } from '@google-cloud/aiplatform';
import { ConflictError, NotFoundError, ValidationError } from '../../../../shared/errors';
import type { TrafficSplit } from '../../../../shared/domain/traffic-split';
import type { DeployModelCall, EndpointState, ServingGateway } from '../../../../shared/registry-ports';
import type { VertexClientProvider, VertexConnection } from './clients';
import { GRPC, completion, grpcCode, translateVertexError, type OperationTuning } from './grpc-errors';

type IEndpoint = protos.google.cloud.aiplatform.v1.IEndpoint;

const ENDPOINT_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/endpoints\/([^/]+)$/;

export const DEFAULT_OPERATION_TUNING: OperationTuning = { pollRetries: 3, pollRetryDelayMs: 500, timeoutMs: 25 * 60_000 };

/**
 * Vertex AI endpoints through EndpointServiceClient. A family's endpoint has a fixed id derived
 * from the family (`<family>-endpoint`), so two first deploys racing create it once: the loser
 * gets ALREADY_EXISTS and uses it.
 */
export class VertexServing implements ServingGateway {
  private readonly parent: string;

  constructor(
    private readonly client: VertexClientProvider<'EndpointServiceClient'>,
    private readonly connection: Pick<VertexConnection, 'project' | 'location'>,
    private readonly tuning: OperationTuning = DEFAULT_OPERATION_TUNING,
  ) {
    this.parent = `projects/${connection.project}/locations/${connection.location}`;
  }

  endpointName(ref: string): string {
    const match = ENDPOINT_NAME.exec(ref);
    if (!match) return `${this.parent}/endpoints/${ref}`;
    if (match[1] !== this.connection.project || match[2] !== this.connection.location) {
      throw new ValidationError([{ path: 'body.endpoint', message: `must be an endpoint of ${this.parent}` }]);
    }
    return ref;
  }

  async familyEndpoint(familyId: string): Promise<string> {
    const client = await this.client();
    const displayName = familyEndpointDisplayName(familyId);
    try {
      const [found] = await client.listEndpoints({ parent: this.parent, filter: `display_name="${displayName}"`, orderBy: 'create_time' }, { autoPaginate: false });
      if (found[0]?.name) return found[0].name;
      const endpointId = familyEndpointId(familyId);
      try {
        const [operation] = await client.createEndpoint({
          parent: this.parent,
          endpointId,
          endpoint: { displayName, labels: { 'managed-by': 'model-registry', family: familyId.slice(0, 63) } },
        });
        const created = await completion<IEndpoint>(operation, (name) => client.checkCreateEndpointProgress(name), this.tuning);
        return created.name ?? `${this.parent}/endpoints/${endpointId}`;
      } catch (error) {
        if (grpcCode(error) === GRPC.ALREADY_EXISTS) return `${this.parent}/endpoints/${endpointId}`;
        throw error;
      }
    } catch (error) {
      throw translateVertexError(error);
    }
  }

  async endpoint(name: string): Promise<EndpointState> {
    const client = await this.client();
    try {
      const [endpoint] = await client.getEndpoint({ name });
      return endpointState(endpoint, name);
    } catch (error) {
      if (grpcCode(error) === GRPC.NOT_FOUND) throw new NotFoundError('Endpoint', name);
      throw translateVertexError(error);
    }
  }

  async deploy(call: DeployModelCall): Promise<{ deployedModelId: string }> {
    const client = await this.client();
    try {
      const [operation] = await client.deployModel({
        endpoint: call.endpoint,
        deployedModel: {
          model: `${call.model}@${call.modelVersionId}`,
          displayName: call.displayName.slice(0, 128),
          dedicatedResources: {
            machineSpec: { machineType: call.machineType },
            minReplicaCount: call.minReplicas,
            maxReplicaCount: call.maxReplicas,
          },
        },
        trafficSplit: call.trafficSplit,
      });
      const response = await completion(operation, (name) => client.checkDeployModelProgress(name), this.tuning);
      const id = response.deployedModel?.id;
      if (!id) throw Object.assign(new Error('DeployModel finished without a deployed model id'), { code: 13 });
      return { deployedModelId: String(id) };
    } catch (error) {
      throw translateVertexError(error);
    }
  }

  async setTraffic(call: { endpoint: string; trafficSplit: TrafficSplit; etag: string }): Promise<EndpointState> {
    const client = await this.client();
    try {
      const [endpoint] = await client.updateEndpoint({
        endpoint: { name: call.endpoint, trafficSplit: call.trafficSplit, etag: call.etag },
        updateMask: { paths: ['traffic_split'] },
      });
      return endpointState(endpoint, call.endpoint);
    } catch (error) {
      // ABORTED is Vertex's etag mismatch: not a retry, the caller must re-read and decide again.
      if (grpcCode(error) === GRPC_ABORTED) {
        throw new ConflictError(`The traffic of ${call.endpoint} was changed meanwhile: read it again and retry`, { endpoint: call.endpoint }, 'TRAFFIC_CHANGED');
      }
      if (grpcCode(error) === GRPC.NOT_FOUND) throw new NotFoundError('Endpoint', call.endpoint);
      throw translateVertexError(error);
    }
  }

  async undeploy(call: { endpoint: string; deployedModelId: string; trafficSplit: TrafficSplit | null }): Promise<'undeployed' | 'absent'> {
    const client = await this.client();
    try {
      const [operation] = await client.undeployModel({
        endpoint: call.endpoint,
        deployedModelId: call.deployedModelId,
        ...(call.trafficSplit ? { trafficSplit: call.trafficSplit } : {}),
      });
      await completion(operation, (name) => client.checkUndeployModelProgress(name), this.tuning);
      return 'undeployed';
    } catch (error) {
      // The endpoint or the deployed model is gone: nothing is served, which is what was asked.
      if (grpcCode(error) === GRPC.NOT_FOUND) return 'absent';
      throw translateVertexError(error);
    }
  }
}

export function familyEndpointDisplayName(familyId: string): string {
  return `${familyId}-endpoint`;
}

/**
 * Endpoint ids are a letter, then up to 62 of [a-z0-9-]. `<family>-endpoint` when the family id
 * fits that; otherwise a shortened form with a digest of the family id, so that two families
 * (`a_b`, `a-b`) never share an id.
 */
export function familyEndpointId(familyId: string): string {
  const plain = `${familyId}-endpoint`;
  if (/^[a-z][a-z0-9-]{0,62}$/.test(plain)) return plain;
  const digest = createHash('sha256').update(familyId).digest('hex').slice(0, 12);
  const stem = `e-${familyId}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
  return `${stem}-endpoint-${digest}`;
}

const GRPC_ABORTED = 10;

function endpointState(endpoint: IEndpoint, name: string): EndpointState {
  return {
    name: endpoint.name ?? name,
    deployedModels: (endpoint.deployedModels ?? []).map((d) => ({
      id: String(d.id),
      model: stripVersion(d.model ?? ''),
      modelVersionId: d.modelVersionId ?? versionOf(d.model ?? ''),
    })),
    trafficSplit: { ...(endpoint.trafficSplit ?? {}) } as TrafficSplit,
    etag: endpoint.etag || null,
  };
}

function stripVersion(model: string): string {
  return model.replace(/@[^@/]+$/, '');
}

function versionOf(model: string): string | null {
  return /@([^@/]+)$/.exec(model)?.[1] ?? null;
}
