import { createHash } from 'node:crypto';
import { grpc } from 'google-gax';
import type { TwinContext } from './context';
import { RpcError, alreadyExists, failedPrecondition, fieldErrors, invalidArgument, notFound, required } from './errors';
import { checkLabels } from './labels';
import { applyFilter, applyOrder, paginate, type FieldReader } from './listing';
import type { ModelRegistry } from './models';
import { locationName } from './names';
import { timestamp, timestampMs } from './time';
import type {
  CreateEndpointRequest, DeployModelRequest, DeployedModel, Endpoint, GetEndpointRequest, ListEndpointsRequest,
  ServiceHandlers, UndeployModelRequest, UpdateEndpointRequest,
} from './types';

const V1 = 'google.cloud.aiplatform.v1';
// Vertex's endpoint ids: a letter then up to 62 of [a-z0-9-] (not ending with -), or up to 9 digits.
const ENDPOINT_ID = /^(?:[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?|[1-9]\d{0,8})$/;
const DEPLOYED_MODEL_ID = /^\d{1,10}$/;
// In DeployModel's traffic split, "0" stands for the model being deployed.
const NEW_DEPLOYMENT = '0';

type TrafficSplit = Record<string, number>;

const readEndpoint: FieldReader<Endpoint> = (endpoint, field) => {
  if (field.startsWith('labels.')) return endpoint.labels?.[field.slice('labels.'.length)];
  switch (field) {
    case 'display_name': return endpoint.displayName ?? '';
    case 'create_time': return timestampMs(endpoint.createTime);
    case 'update_time': return timestampMs(endpoint.updateTime);
    default: throw invalidArgument(`Unsupported field in filter or order_by: ${field}`);
  }
};

/** A traffic split must name deployed models only and, while any model is deployed, add up to 100. */
function checkSplit(split: TrafficSplit, ids: string[], field: string): void {
  const unknown = Object.keys(split).filter((id) => !ids.includes(id));
  if (unknown.length) throw fieldErrors([{ field, description: `Traffic split references unknown deployed models: ${unknown.join(', ')}.` }]);
  const values = Object.values(split);
  if (values.some((v) => !Number.isInteger(v) || v < 0 || v > 100)) {
    throw fieldErrors([{ field, description: 'Traffic split percentages must be integers between 0 and 100.' }]);
  }
  const sum = values.reduce((a, b) => a + b, 0);
  if (ids.length && sum !== 100) throw fieldErrors([{ field, description: `Sum of all traffic within traffic split needs to be 100, got ${sum}.` }]);
}

function checkResources(deployed: DeployedModel): void {
  const dedicated = deployed.dedicatedResources;
  if (!dedicated && !deployed.automaticResources) {
    throw fieldErrors([{ field: 'deployed_model.dedicated_resources', description: 'Model requires dedicated resources: set dedicated_resources or automatic_resources.' }]);
  }
  if (!dedicated) return;
  const violations = [];
  if (!dedicated.machineSpec?.machineType) violations.push({ field: 'deployed_model.dedicated_resources.machine_spec.machine_type', description: 'Required field is not set.' });
  const min = dedicated.minReplicaCount ?? 0;
  if (min < 1) violations.push({ field: 'deployed_model.dedicated_resources.min_replica_count', description: 'min_replica_count must be greater than or equal to 1.' });
  if (dedicated.maxReplicaCount && dedicated.maxReplicaCount < min) {
    violations.push({ field: 'deployed_model.dedicated_resources.max_replica_count', description: 'max_replica_count must be greater than or equal to min_replica_count.' });
  }
  if (violations.length) throw fieldErrors(violations);
}

const copy = <T>(value: T): T => structuredClone(value);

/**
 * The endpoint's etag: a digest of what an update can race on (its deployed models, split and update time),
 * so that any change — a deploy, an undeploy, an update — gives a new one.
 */
function etagOf(endpoint: Endpoint): string {
  const basis = JSON.stringify([(endpoint.deployedModels ?? []).map((d) => d.id), endpoint.trafficSplit ?? {}, endpoint.updateTime ?? null, endpoint.displayName, endpoint.labels ?? {}]);
  return createHash('sha256').update(basis).digest('base64url').slice(0, 22);
}

const withEtag = (endpoint: Endpoint): Endpoint => ({ ...copy(endpoint), etag: etagOf(endpoint) });

// The fields UpdateEndpoint may change through its update_mask.
const UPDATABLE = ['traffic_split', 'display_name', 'description', 'labels'] as const;

export function endpointService(ctx: TwinContext, registry: ModelRegistry): ServiceHandlers {
  const { state, names, operations } = ctx;

  const find = (name: string | null | undefined, field = 'name'): Endpoint => {
    const parsed = names.resource(name, 'endpoints', field);
    const endpoint = state.endpoints.get(parsed.name);
    if (!endpoint) throw notFound('The Endpoint does not exist.');
    return endpoint;
  };

  return {
    CreateEndpoint: (request: CreateEndpointRequest) => {
      const loc = names.location(request.parent);
      const endpoint = required(request.endpoint, 'endpoint');
      required(endpoint.displayName, 'endpoint.display_name');
      checkLabels(endpoint.labels, 'endpoint.labels');
      if (request.endpointId && !ENDPOINT_ID.test(request.endpointId)) {
        throw fieldErrors([{ field: 'endpoint_id', description: 'Endpoint id must be a letter followed by up to 62 of [a-z0-9-], or up to 9 digits.' }]);
      }
      const name = `${locationName(loc)}/endpoints/${request.endpointId || state.ids.take()}`;
      if (state.endpoints.has(name)) throw alreadyExists(`Endpoint ${name} already exists.`);
      return operations.start(name, { metadata: `${V1}.CreateEndpointOperationMetadata`, response: `${V1}.Endpoint` }, () => {
        if (state.endpoints.has(name)) throw alreadyExists(`Endpoint ${name} already exists.`);
        const now = timestamp();
        const created: Endpoint = { ...copy(endpoint), name, deployedModels: [], trafficSplit: {}, createTime: now, updateTime: now };
        state.endpoints.set(name, created);
        state.changed();
        return copy(created);
      });
    },

    GetEndpoint: (request: GetEndpointRequest) => withEtag(find(request.name)),

    /** As on Vertex: an etag that is not the endpoint's current one refuses the update (ABORTED), so no change is lost. */
    UpdateEndpoint: (request: UpdateEndpointRequest) => {
      const wanted = required(request.endpoint, 'endpoint');
      const endpoint = find(wanted.name, 'endpoint.name');
      const paths = request.updateMask?.paths ?? [];
      if (!paths.length) throw fieldErrors([{ field: 'update_mask', description: 'Required field is not set.' }]);
      const unknown = paths.filter((p) => !(UPDATABLE as readonly string[]).includes(p));
      if (unknown.length) throw fieldErrors([{ field: 'update_mask', description: `Unsupported update_mask paths: ${unknown.join(', ')}.` }]);
      if (wanted.etag && wanted.etag !== etagOf(endpoint)) {
        throw new RpcError(grpc.status.ABORTED, `The etag ${wanted.etag} of Endpoint ${endpoint.name} does not match its current etag: it was changed meanwhile.`);
      }
      if (paths.includes('traffic_split')) checkSplit({ ...(wanted.trafficSplit ?? {}) }, (endpoint.deployedModels ?? []).map((d) => d.id!), 'endpoint.traffic_split');
      if (paths.includes('labels')) checkLabels(wanted.labels, 'endpoint.labels');
      if (paths.includes('traffic_split')) endpoint.trafficSplit = { ...(wanted.trafficSplit ?? {}) };
      if (paths.includes('display_name')) endpoint.displayName = required(wanted.displayName, 'endpoint.display_name');
      if (paths.includes('description')) endpoint.description = wanted.description ?? '';
      if (paths.includes('labels')) endpoint.labels = { ...(wanted.labels ?? {}) };
      endpoint.updateTime = timestamp();
      state.changed();
      return withEtag(endpoint);
    },

    ListEndpoints: (request: ListEndpointsRequest) => {
      const prefix = `${locationName(names.location(request.parent))}/endpoints/`;
      const all = [...state.endpoints.values()].filter((e) => e.name!.startsWith(prefix));
      const listed = applyOrder(applyFilter(all, request.filter, readEndpoint), request.orderBy, readEndpoint, ['display_name', 'create_time', 'update_time']);
      const { page, nextPageToken } = paginate(listed, request.pageSize, request.pageToken);
      return { endpoints: page.map(withEtag), nextPageToken };
    },

    DeployModel: (request: DeployModelRequest) => {
      const endpoint = find(request.endpoint, 'endpoint');
      const wanted = required(request.deployedModel, 'deployed_model');
      const { record, version } = registry.version(required(wanted.model, 'deployed_model.model'), 'deployed_model.model');
      checkResources(wanted);
      const deployedIds = (endpoint.deployedModels ?? []).map((d) => d.id!);
      if (wanted.id && !DEPLOYED_MODEL_ID.test(wanted.id)) throw fieldErrors([{ field: 'deployed_model.id', description: 'The id must be 1 to 10 digits.' }]);
      if (wanted.id && deployedIds.includes(wanted.id)) throw alreadyExists(`A DeployedModel with id ${wanted.id} already exists in the Endpoint.`);
      const split: TrafficSplit = { ...(request.trafficSplit ?? {}) };
      if (Object.keys(split).length) checkSplit(split, [...deployedIds, NEW_DEPLOYMENT], 'traffic_split');

      return operations.start(endpoint.name!, { metadata: `${V1}.DeployModelOperationMetadata`, response: `${V1}.DeployModelResponse` }, () => {
        const id = wanted.id || state.ids.take();
        const deployed: DeployedModel = {
          ...copy(wanted),
          ...(wanted.dedicatedResources && {
            // Vertex fills an unset max_replica_count with min_replica_count.
            dedicatedResources: { ...copy(wanted.dedicatedResources), maxReplicaCount: wanted.dedicatedResources.maxReplicaCount || wanted.dedicatedResources.minReplicaCount },
          }),
          id,
          model: record.name,
          modelVersionId: version.versionId,
          displayName: wanted.displayName || version.displayName,
          createTime: timestamp(),
        };
        endpoint.deployedModels = [...(endpoint.deployedModels ?? []), deployed];
        if (Object.keys(split).length) {
          const { [NEW_DEPLOYMENT]: share = 0, ...others } = split;
          endpoint.trafficSplit = { ...others, [id]: share };
        } else if (endpoint.deployedModels.length === 1) {
          // With no split given, the endpoint's split is left alone, except that a first model takes all traffic.
          endpoint.trafficSplit = { [id]: 100 };
        }
        endpoint.updateTime = timestamp();
        version.deployedModels = [...(version.deployedModels ?? []), { endpoint: endpoint.name, deployedModelId: id }];
        state.changed();
        return { deployedModel: copy(deployed) };
      });
    },

    UndeployModel: (request: UndeployModelRequest) => {
      const endpoint = find(request.endpoint, 'endpoint');
      const id = required(request.deployedModelId, 'deployed_model_id');
      const deployed = endpoint.deployedModels?.find((d) => d.id === id);
      if (!deployed) throw notFound(`The DeployedModel with id ${id} does not exist in the Endpoint ${endpoint.name}.`);
      const remaining = (endpoint.deployedModels ?? []).filter((d) => d !== deployed).map((d) => d.id!);
      const given = Object.keys(request.trafficSplit ?? {}).length ? { ...request.trafficSplit } : undefined;
      if (given) checkSplit(given, remaining, 'traffic_split');
      const current = endpoint.trafficSplit ?? {};
      // As on Vertex: a model that still receives traffic is undeployed only if it is the last one or the call re-splits.
      if (!given && remaining.length && (current[id] ?? 0) > 0) {
        throw failedPrecondition(`DeployedModel ${id} receives ${current[id]}% of the Endpoint's traffic: pass a traffic_split without it to undeploy it.`);
      }

      return operations.start(endpoint.name!, { metadata: `${V1}.UndeployModelOperationMetadata`, response: `${V1}.UndeployModelResponse` }, () => {
        if (!endpoint.deployedModels?.includes(deployed)) throw notFound(`The DeployedModel with id ${id} does not exist in the Endpoint ${endpoint.name}.`);
        endpoint.deployedModels = endpoint.deployedModels.filter((d) => d !== deployed);
        const { [id]: _removed, ...rest } = endpoint.trafficSplit ?? {};
        endpoint.trafficSplit = endpoint.deployedModels.length ? (given ?? rest) : {};
        endpoint.updateTime = timestamp();
        const model = state.models.get(deployed.model!);
        const version = model?.versions.find((v) => v.versionId === deployed.modelVersionId);
        if (version) version.deployedModels = (version.deployedModels ?? []).filter((ref) => !(ref.endpoint === endpoint.name && ref.deployedModelId === id));
        state.changed();
        return {};
      });
    },
  };
}
