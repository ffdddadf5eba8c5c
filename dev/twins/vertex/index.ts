// A local twin of Vertex AI (ModelService, EndpointService, PipelineService, PredictionService, google.longrunning.Operations) that
// speaks gRPC to the unmodified @google-cloud/aiplatform v1 clients. See ./README.md.
import { grpc } from 'google-gax';
import { endpointService } from './endpoints';
import { Faults, type FaultPlan } from './faults';
import { ModelRegistry, modelService } from './models';
import { Names } from './names';
import { OPERATION_HTTP_RULES } from './operation-http-rules';
import { OperationStore, operationsService } from './operations';
import { PipelineJobs, defaultPipelineRunner, pipelineService, type PipelineRunner } from './pipelines';
import { PredictionRouter, predictionService, type PredictionFault, type PredictionRecord } from './predictions';
import { loadVertexProtos } from './protos';
import { serve } from './server';
import { StateStore } from './state';
import { restClientOptions, type RestClientOptions } from '../rest/client-options';
import { startRestGateway } from '../rest/rest-gateway';
import type { Endpoint, Model, PipelineJob } from './types';

export type { FaultPlan } from './faults';
export type { PredictionFault, PredictionRecord } from './predictions';
export type { PipelineRunContext, PipelineRunner } from './pipelines';
export type { Endpoint, Model, PipelineJob, PipelineState } from './types';

export interface VertexTwinOptions {
  /** gRPC port. Default: a free port. */
  port?: number;
  /** REST (HTTP/JSON) port. Default: a free port. */
  restPort?: number;
  /** When given, requests for another project are refused (PERMISSION_DENIED); by default any project is served. */
  project?: string;
  /** When given, requests for another location are refused (INVALID_ARGUMENT); by default any location is served. */
  location?: string;
  /** How long a long-running operation stays not done (clients must poll). Default 0: done when returned. */
  operationDelayMs?: number;
  /** Runs pipeline jobs. Default: PENDING → RUNNING → SUCCEEDED, one step every pipelineStepMs. */
  runner?: PipelineRunner;
  /** Step of the default runner (and of failNext's failing run). Default 50. */
  pipelineStepMs?: number;
  /** JSON file the resources are loaded from and saved to after each change. Default: memory only. */
  stateFile?: string;
}

/** A registered model as the twin holds it: its resource name and all its versions. */
export interface TwinModel {
  name: string;
  versions: Model[];
}

export interface VertexTwin {
  /** The gRPC port. */
  readonly port: number;
  /** `127.0.0.1:port` (gRPC) */
  readonly address: string;
  /** The REST port: the same services and state over HTTP/JSON, as their `google.api.http` annotations map them. */
  readonly restPort: number;
  /** `http://127.0.0.1:restPort`, the API root (`/v1/projects/…` below it) */
  readonly restUrl: string;
  faults: { set(plan: FaultPlan): void; clear(): void };
  pipelines: { failNext(message: string): void };
  /**
   * Online predictions: every one served is recorded (what the Cloud Monitoring twin reports); `fail` makes one
   * deployed model answer errors or answer late until `clearFaults()` or `faults.clear()`.
   */
  predictions: {
    records(): PredictionRecord[];
    fail(deployedModelId: string, fault?: PredictionFault): void;
    clearFaults(): void;
  };
  models(): TwinModel[];
  endpoints(): Endpoint[];
  pipelineJobs(): PipelineJob[];
  stop(): Promise<void>;
}

export async function startVertexTwin(opts: VertexTwinOptions = {}): Promise<VertexTwin> {
  const protos = loadVertexProtos();
  const state = new StateStore(opts.stateFile);
  const operations = new OperationStore(protos, state.ids, opts.operationDelayMs ?? 0);
  const ctx = { state, operations, names: new Names({ project: opts.project, location: opts.location }) };
  const registry = new ModelRegistry(ctx);
  const stepMs = opts.pipelineStepMs ?? 50;
  const jobs = new PipelineJobs(ctx, opts.runner ?? defaultPipelineRunner(stepMs), stepMs);
  const faults = new Faults();
  const predictions = new PredictionRouter(ctx);
  const services = {
    'google.cloud.aiplatform.v1.ModelService': modelService(ctx, registry),
    'google.cloud.aiplatform.v1.EndpointService': endpointService(ctx, registry),
    'google.cloud.aiplatform.v1.PipelineService': pipelineService(ctx, jobs),
    'google.cloud.aiplatform.v1.PredictionService': predictionService(predictions),
    'google.longrunning.Operations': operationsService(operations),
  };
  const { server, port } = await serve(protos, faults, services, opts.port ?? 0);
  const rest = await startRestGateway({
    root: protos.root, services: Object.keys(services), grpcAddress: `127.0.0.1:${port}`, httpRules: OPERATION_HTTP_RULES, port: opts.restPort,
  }).catch((error: unknown) => {
    server.forceShutdown();
    throw error;
  });

  return {
    port,
    address: `127.0.0.1:${port}`,
    restPort: rest.port,
    restUrl: rest.url,
    faults: { set: (plan) => faults.set(plan), clear: () => { faults.clear(); predictions.clearFaults(); } },
    pipelines: { failNext: (message) => jobs.failNext(message) },
    predictions: {
      records: () => predictions.records.map((r) => ({ ...r })),
      fail: (deployedModelId, fault) => predictions.failDeployedModel(deployedModelId, fault),
      clearFaults: () => predictions.clearFaults(),
    },
    models: () => structuredClone([...state.models.values()].map(({ name, versions }) => ({ name, versions }))),
    endpoints: () => structuredClone([...state.endpoints.values()]),
    pipelineJobs: () => structuredClone([...state.pipelineJobs.values()]),
    stop: async () => {
      jobs.stop();
      operations.stop();
      await rest.stop();
      await new Promise<void>((resolve) => {
        // Let calls in flight finish, but do not wait on idle client channels for long.
        const force = setTimeout(() => server.forceShutdown(), 1000);
        server.tryShutdown(() => { clearTimeout(force); resolve(); });
      });
    },
  };
}

/** Options for the aiplatform clients to talk to the twin (sslCreds must come from gax's own grpc copy). */
export function vertexClientOptions(port: number): { apiEndpoint: string; port: number; sslCreds: grpc.ChannelCredentials } {
  return { apiEndpoint: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure() };
}

/**
 * Options for the aiplatform clients to talk to the twin over REST (google-gax's HTTP/JSON transport): no
 * credentials (a PassThroughClient sends none), plain http on loopback.
 */
export function vertexRestClientOptions(restPort: number): RestClientOptions {
  return restClientOptions(restPort);
}
