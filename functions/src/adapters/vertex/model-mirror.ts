import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { protos, v1 } from '@google-cloud/aiplatform';
import { UpstreamFailedError, type MirrorRequest, type MirrorResult, type ModelMirror } from '../../../../shared/register-ports';
import { TRANSIENT_GRPC_CODES } from '../grpc-status';
import { GRPC, grpcCode, translateVertexError } from './grpc-errors';

type ModelServiceClient = InstanceType<typeof v1.ModelServiceClient>;
type UploadResponse = protos.google.cloud.aiplatform.v1.IUploadModelResponse;
interface UploadOperation {
  name?: string | null;
  promise(): Promise<[UploadResponse, ...unknown[]]>;
}
export type ModelServiceProvider = () => Promise<ModelServiceClient>;

export interface VertexOptions {
  project: string;
  location: string;
  /** Twins only: a gRPC host replacing `<location>-aiplatform.googleapis.com`; loopback hosts use plaintext. */
  apiEndpoint?: string | null;
  port?: number | null;
}

/**
 * The client is built on first use and the promise cached (the module alone costs ~1 s at load).
 * Plaintext credentials must come from the grpc copy of the google-gax the client itself loads,
 * hence the require resolved from @google-cloud/aiplatform.
 */
export function lazyModelService(options: VertexOptions): ModelServiceProvider {
  let client: Promise<ModelServiceClient> | undefined;
  return () =>
    (client ??= import('@google-cloud/aiplatform').then(({ v1 }) => {
      if (!options.apiEndpoint) return new v1.ModelServiceClient({ apiEndpoint: `${options.location}-aiplatform.googleapis.com` });
      const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(options.apiEndpoint);
      const gax = createRequire(require.resolve('@google-cloud/aiplatform'))('google-gax') as typeof import('google-gax');
      return new v1.ModelServiceClient({
        apiEndpoint: options.apiEndpoint,
        ...(options.port ? { port: options.port } : {}),
        ...(loopback ? { sslCreds: gax.grpc.credentials.createInsecure() } : {}),
      });
    }));
}

const { NOT_FOUND, ALREADY_EXISTS } = GRPC;

export interface MirrorTuning {
  /** Re-reads of an upload operation after a failed poll (gax does not retry polls). */
  pollRetries: number;
  pollRetryDelayMs: number;
}

/**
 * Vertex AI Model Registry through ModelServiceClient.uploadModel. A family is one Vertex model
 * whose id is derived from the family id, so that the first version creates it (`modelId`) and
 * later ones add versions (`parentModel`) without any lookup table; each version carries the alias
 * `v<n>` so that a retry can find what an earlier attempt already uploaded.
 */
export class VertexModelMirror implements ModelMirror {
  private readonly parent: string;

  constructor(
    private readonly client: ModelServiceProvider,
    options: Pick<VertexOptions, 'project' | 'location'>,
    private readonly tuning: MirrorTuning = { pollRetries: 3, pollRetryDelayMs: 500 },
  ) {
    this.parent = `projects/${options.project}/locations/${options.location}`;
  }

  async mirror(request: MirrorRequest, options: { reuseExisting: boolean }): Promise<MirrorResult> {
    const client = await this.client();
    const modelName = `${this.parent}/models/${vertexModelId(request.familyId)}`;
    const alias = `v${request.version}`;
    try {
      if (options.reuseExisting) {
        const existing = await findVersion(client, `${modelName}@${alias}`);
        if (existing) return existing;
      }
      // Version 1 creates the model; later versions add to it. Either guess can be wrong (an
      // earlier version's mirror failed, or two first versions race): switch once each way.
      let asVersionOfExisting = request.version > 1;
      for (let switches = 0; ; switches++) {
        try {
          return await this.upload(client, request, modelName, alias, asVersionOfExisting);
        } catch (error) {
          const code = grpcCode(error);
          const wrongGuess = asVersionOfExisting ? code === NOT_FOUND : code === ALREADY_EXISTS;
          if (!wrongGuess || switches >= 2) throw error;
          asVersionOfExisting = !asVersionOfExisting;
        }
      }
    } catch (error) {
      throw translateVertexError(error);
    }
  }

  private async upload(client: ModelServiceClient, request: MirrorRequest, modelName: string, alias: string, asVersionOfExisting: boolean): Promise<MirrorResult> {
    const [operation] = await client.uploadModel({
      parent: this.parent,
      ...(asVersionOfExisting ? { parentModel: modelName } : { modelId: vertexModelId(request.familyId) }),
      model: {
        displayName: request.displayName.slice(0, 128),
        description: request.description,
        versionDescription: request.description,
        artifactUri: request.artifactUri,
        labels: request.labels,
        versionAliases: [alias],
        containerSpec: { imageUri: request.servingContainerImage },
      },
    });
    const response = await this.completion(client, operation);
    if (!response.model || !response.modelVersionId) throw new UpstreamFailedError('Vertex AI', 'UploadModel finished without a model name or version id');
    return { modelResourceName: response.model, versionId: response.modelVersionId };
  }

  /**
   * Waits for the upload operation. A failed poll ends gax's promise (polls are not retried), while
   * the operation goes on: read it again by name, a bounded number of times.
   */
  private async completion(client: ModelServiceClient, first: UploadOperation): Promise<UploadResponse> {
    let operation: UploadOperation | null = first;
    for (let retry = 0; ; retry++) {
      try {
        operation ??= await client.checkUploadModelProgress(first.name!);
        const [response] = await operation.promise();
        return response;
      } catch (error) {
        if (!TRANSIENT_GRPC_CODES.has(grpcCode(error) ?? -1) || retry >= this.tuning.pollRetries || !first.name) throw error;
        operation = null;
        await sleep(this.tuning.pollRetryDelayMs * 2 ** retry);
      }
    }
  }
}

async function findVersion(client: ModelServiceClient, name: string): Promise<MirrorResult | null> {
  try {
    const [model] = await client.getModel({ name });
    return model.name && model.versionId ? { modelResourceName: model.name, versionId: model.versionId } : null;
  } catch (error) {
    if (grpcCode(error) === NOT_FOUND) return null;
    throw error;
  }
}

/** Vertex model ids are `[a-z_][a-z0-9_-]{0,62}`; family ids are slugs that may start with a digit. */
export function vertexModelId(familyId: string): string {
  const id = familyId.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  return (/^[a-z_]/.test(id) ? id : `f_${id}`).slice(0, 63);
}

