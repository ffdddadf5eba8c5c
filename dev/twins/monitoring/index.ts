// A local twin of Cloud Monitoring's MetricService.ListTimeSeries for Vertex AI's online prediction metrics, over
// gRPC for the unmodified @google-cloud/monitoring client. Its data: the predictions the Vertex twin served. See ./README.md.
import { grpc } from 'google-gax';
import { Faults, type FaultPlan } from '../vertex/faults';
import type { PredictionRecord } from '../vertex/predictions';
import { serve } from '../vertex/server';
import { listTimeSeries, type ListTimeSeriesRequest } from './prediction-metrics';
import { loadMonitoringProtos } from './protos';

export { PREDICTION_METRICS } from './prediction-metrics';

export interface MonitoringTwinOptions {
  /** Where the figures come from: the Vertex twin's `predictions.records`. */
  predictions: () => PredictionRecord[];
  /** Default: a free port. */
  port?: number;
}

export interface MonitoringTwin {
  readonly port: number;
  readonly address: string;
  faults: { set(plan: FaultPlan): void; clear(): void };
  stop(): Promise<void>;
}

export async function startMonitoringTwin(opts: MonitoringTwinOptions): Promise<MonitoringTwin> {
  const faults = new Faults();
  const { server, port } = await serve(loadMonitoringProtos(), faults, {
    'google.monitoring.v3.MetricService': { ListTimeSeries: (request: ListTimeSeriesRequest) => listTimeSeries(opts.predictions, request) },
  }, opts.port ?? 0);
  return {
    port,
    address: `127.0.0.1:${port}`,
    faults: { set: (plan) => faults.set(plan), clear: () => faults.clear() },
    stop: () => new Promise<void>((resolve) => {
      const force = setTimeout(() => server.forceShutdown(), 1000);
      server.tryShutdown(() => { clearTimeout(force); resolve(); });
    }),
  };
}

/** Options for MetricServiceClient to talk to the twin (plaintext credentials from the client's own grpc). */
export function monitoringClientOptions(port: number): { apiEndpoint: string; port: number; sslCreds: grpc.ChannelCredentials } {
  return { apiEndpoint: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure() };
}
