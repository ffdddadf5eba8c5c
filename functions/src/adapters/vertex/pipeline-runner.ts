import { createRequire } from 'node:module';
import type { protos, v1 } from '@google-cloud/aiplatform';
import type { PipelineStatus } from '../../../../shared/domain/training-runs';
import type { PipelineLaunch, PipelineService } from '../../../../shared/training-ports';
import { GRPC, grpcCode, upstreamError } from '../grpc-status';

type PipelineServiceClient = InstanceType<typeof v1.PipelineServiceClient>;
type PipelineJob = protos.google.cloud.aiplatform.v1.IPipelineJob;
type ProtoValue = protos.google.protobuf.IValue;
export type PipelineServiceProvider = () => Promise<PipelineServiceClient>;

export interface PipelineClientOptions {
  location: string;
  /** Twins only: a gRPC host replacing `<location>-aiplatform.googleapis.com`; loopback hosts use plaintext. */
  apiEndpoint?: string | null;
  port?: number | null;
}

/** The client is built on first use and the promise cached (the module alone costs ~1 s at load). */
export function lazyPipelineService(options: PipelineClientOptions): PipelineServiceProvider {
  let client: Promise<PipelineServiceClient> | undefined;
  return () =>
    (client ??= import('@google-cloud/aiplatform').then(({ v1 }) => {
      if (!options.apiEndpoint) return new v1.PipelineServiceClient({ apiEndpoint: `${options.location}-aiplatform.googleapis.com` });
      const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(options.apiEndpoint);
      // Plaintext credentials must come from the grpc copy the client's own google-gax loads.
      const gax = createRequire(require.resolve('@google-cloud/aiplatform'))('google-gax') as typeof import('google-gax');
      return new v1.PipelineServiceClient({
        apiEndpoint: options.apiEndpoint,
        ...(options.port ? { port: options.port } : {}),
        ...(loopback ? { sslCreds: gax.grpc.credentials.createInsecure() } : {}),
      });
    }));
}

export interface VertexPipelinesOptions {
  project: string;
  location: string;
  /** The identity pipeline steps run as (default: the Compute Engine default service account). */
  serviceAccount?: string | null;
  /** `gs://…` root for pipeline outputs, when the compiled template does not set one. */
  pipelineRoot?: string | null;
}

const SERVICE = 'Vertex AI Pipelines';

/** The numeric PipelineState values, for clients that decode enums as numbers. */
const STATE_NAMES = [
  'PIPELINE_STATE_UNSPECIFIED', 'PIPELINE_STATE_QUEUED', 'PIPELINE_STATE_PENDING', 'PIPELINE_STATE_RUNNING', 'PIPELINE_STATE_SUCCEEDED',
  'PIPELINE_STATE_FAILED', 'PIPELINE_STATE_CANCELLING', 'PIPELINE_STATE_CANCELLED', 'PIPELINE_STATE_PAUSED',
] as const;

const STATES: Record<string, PipelineStatus['state']> = {
  PIPELINE_STATE_SUCCEEDED: 'succeeded',
  PIPELINE_STATE_FAILED: 'failed',
  PIPELINE_STATE_CANCELLED: 'cancelled',
  PIPELINE_STATE_RUNNING: 'running',
  PIPELINE_STATE_CANCELLING: 'running',
  PIPELINE_STATE_PAUSED: 'running',
};

function toValue(value: string | number | boolean): ProtoValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'number') return { numberValue: value };
  return { boolValue: value };
}

function toIso(ts: protos.google.protobuf.ITimestamp | null | undefined): string | null {
  if (!ts?.seconds) return null;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

/** Vertex AI Pipelines through PipelineServiceClient: one job per training run, its id the run's push directory. */
export class VertexPipelines implements PipelineService {
  private readonly parent: string;

  constructor(private readonly client: PipelineServiceProvider, private readonly options: VertexPipelinesOptions) {
    this.parent = `projects/${options.project}/locations/${options.location}`;
  }

  async launch(launch: PipelineLaunch): Promise<string> {
    const client = await this.client();
    const pipelineJob: PipelineJob = {
      displayName: launch.displayName,
      templateUri: launch.templateUri,
      labels: launch.labels,
      runtimeConfig: {
        parameterValues: Object.fromEntries(Object.entries(launch.parameters).map(([k, v]) => [k, toValue(v)])),
        ...(this.options.pipelineRoot ? { gcsOutputDirectory: this.options.pipelineRoot } : {}),
      },
      ...(this.options.serviceAccount ? { serviceAccount: this.options.serviceAccount } : {}),
    };
    try {
      const [job] = await client.createPipelineJob({ parent: this.parent, pipelineJobId: launch.jobId, pipelineJob });
      return job.name ?? `${this.parent}/pipelineJobs/${launch.jobId}`;
    } catch (error) {
      // An earlier delivery launched it already: the id is the run's.
      if (grpcCode(error) === GRPC.ALREADY_EXISTS) return `${this.parent}/pipelineJobs/${launch.jobId}`;
      throw upstreamError(SERVICE, error);
    }
  }

  async status(jobName: string): Promise<PipelineStatus | null> {
    const client = await this.client();
    let job: PipelineJob;
    try {
      [job] = await client.getPipelineJob({ name: jobName });
    } catch (error) {
      if (grpcCode(error) === GRPC.NOT_FOUND) return null;
      throw upstreamError(SERVICE, error);
    }
    const stateName = typeof job.state === 'number' ? STATE_NAMES[job.state] : job.state;
    const state = STATES[stateName ?? ''] ?? 'pending';
    return { state, error: job.error?.message || null, endedAt: toIso(job.endTime) };
  }
}
