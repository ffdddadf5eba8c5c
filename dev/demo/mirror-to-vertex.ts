import { v1 } from '@google-cloud/aiplatform';
import { vertexClientOptions } from '../twins/vertex';
import type { ModelVersion } from '../../shared/schemas/model-version';
import { familyEndpointDisplayName, familyEndpointId } from '../../functions/src/adapters/vertex/endpoints';
import { vertexModelId } from '../../functions/src/adapters/vertex/model-mirror';

export interface TwinLocation {
  port: number;
  project: string;
  location: string;
}

/**
 * Makes demo versions real on the Vertex twin, so that the local stack can deploy, undeploy and
 * alias them: each family becomes a model with one version per registry version, and versions
 * marked deployed are deployed to `<family>-endpoint`. Returns the versions with their `vertex`
 * and `deployment` fields pointing at what the twin holds.
 */
export async function mirrorToVertexTwin(versions: ModelVersion[], twin: TwinLocation): Promise<ModelVersion[]> {
  const parent = `projects/${twin.project}/locations/${twin.location}`;
  const models = new v1.ModelServiceClient(vertexClientOptions(twin.port));
  const endpoints = new v1.EndpointServiceClient(vertexClientOptions(twin.port));
  const uploaded = new Set<string>();
  const out: ModelVersion[] = [];
  try {
    for (const version of [...versions].sort((a, b) => a.familyId.localeCompare(b.familyId) || a.version - b.version)) {
      const modelId = vertexModelId(version.familyId);
      const [upload] = await models.uploadModel({
        parent,
        ...(uploaded.has(modelId) ? { parentModel: `${parent}/models/${modelId}` } : { modelId }),
        model: {
          displayName: version.name, artifactUri: version.artifacts.modelUri, versionAliases: [`v${version.version}`],
          containerSpec: { imageUri: version.artifacts.servingContainerImage },
        },
      });
      const [model] = await upload.promise();
      uploaded.add(modelId);
      let mirrored: ModelVersion = {
        ...version,
        vertex: { ...version.vertex, state: 'mirrored', modelResourceName: model.model!, versionId: model.modelVersionId! },
      };
      if (version.deployed && version.deployment) {
        const endpoint = await familyEndpoint(endpoints, parent, version.familyId);
        const { machineType, minReplicas, maxReplicas } = version.deployment;
        const [deploy] = await endpoints.deployModel({
          endpoint,
          deployedModel: { model: `${model.model}@${model.modelVersionId}`, dedicatedResources: { machineSpec: { machineType }, minReplicaCount: minReplicas, maxReplicaCount: maxReplicas } },
          trafficSplit: { '0': 100 },
        });
        const [{ deployedModel }] = await deploy.promise();
        mirrored = { ...mirrored, deployment: { ...version.deployment, endpoint, deployedModelId: deployedModel!.id!, trafficPercent: 100 } };
      }
      out.push(mirrored);
    }
  } finally {
    await Promise.all([models.close(), endpoints.close()]);
  }
  return out;
}

async function familyEndpoint(client: v1.EndpointServiceClient, parent: string, familyId: string): Promise<string> {
  const name = `${parent}/endpoints/${familyEndpointId(familyId)}`;
  try {
    await client.getEndpoint({ name });
    return name;
  } catch {
    const [create] = await client.createEndpoint({ parent, endpointId: familyEndpointId(familyId), endpoint: { displayName: familyEndpointDisplayName(familyId) } });
    const [endpoint] = await create.promise();
    return endpoint.name!;
  }
}
