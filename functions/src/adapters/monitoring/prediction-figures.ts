import { createRequire } from 'node:module';
import type { v3 } from '@google-cloud/monitoring';
import type { FiguresBucket, FiguresQuery, ServingFigures, ServingFiguresReader } from '../../../../shared/registry-ports';
import { upstreamError } from '../grpc-status';

type MetricServiceClient = InstanceType<typeof v3.MetricServiceClient>;

export interface MonitoringConnection {
  project: string;
  /** Twins only: a host replacing monitoring.googleapis.com; loopback hosts use plaintext. */
  apiEndpoint?: string | null;
  port?: number | null;
}

const METRIC = {
  count: 'aiplatform.googleapis.com/prediction/online/prediction_count',
  errors: 'aiplatform.googleapis.com/prediction/online/error_count',
  latencies: 'aiplatform.googleapis.com/prediction/online/prediction_latencies',
};
const ENDPOINT_NAME = /^projects\/[^/]+\/locations\/([^/]+)\/endpoints\/([^/]+)$/;

/** MetricServiceClient built on first use (the module and a client cost seconds at load). */
export function lazyMonitoringClient(connection: MonitoringConnection): () => Promise<MetricServiceClient> {
  let client: Promise<MetricServiceClient> | undefined;
  return () =>
    (client ??= import('@google-cloud/monitoring').then(({ v3 }) => {
      if (!connection.apiEndpoint) return new v3.MetricServiceClient();
      const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(connection.apiEndpoint);
      // Plaintext credentials must come from the grpc copy of the google-gax the client itself loads.
      const gax = createRequire(require.resolve('@google-cloud/monitoring'))('google-gax') as typeof import('google-gax');
      return new v3.MetricServiceClient({
        apiEndpoint: connection.apiEndpoint,
        ...(connection.port ? { port: connection.port } : {}),
        ...(loopback ? { sslCreds: gax.grpc.credentials.createInsecure() } : {}),
      });
    }));
}

/**
 * Vertex AI's `prediction/online/*` metrics of one deployed model, from Cloud Monitoring: counts summed per
 * bucket, latency percentiles per bucket and over the whole window (percentiles do not add up).
 */
export class CloudMonitoringFigures implements ServingFiguresReader {
  constructor(private readonly client: () => Promise<MetricServiceClient>, private readonly project: string) {}

  async figures(q: FiguresQuery): Promise<ServingFigures> {
    const match = ENDPOINT_NAME.exec(q.endpoint);
    if (!match) throw new Error(`not an endpoint resource name: ${q.endpoint}`);
    const where = `resource.type = "aiplatform.googleapis.com/Endpoint" AND resource.labels.location = "${match[1]}" AND resource.labels.endpoint_id = "${match[2]}" AND metric.labels.deployed_model_id = "${q.deployedModelId}"`;
    const windowMs = q.end.getTime() - q.start.getTime();
    const read = (metric: string, aligner: string, periodMs: number, extra = '') => this.points(`metric.type = "${metric}" AND ${where}${extra}`, q, aligner, periodMs);
    const total = ' AND metric.labels.latency_type = "total"';
    const [counts, errors, p50, p95, p50All, p95All] = await Promise.all([
      read(METRIC.count, 'ALIGN_SUM', q.bucketMs), read(METRIC.errors, 'ALIGN_SUM', q.bucketMs),
      read(METRIC.latencies, 'ALIGN_PERCENTILE_50', q.bucketMs, total), read(METRIC.latencies, 'ALIGN_PERCENTILE_95', q.bucketMs, total),
      read(METRIC.latencies, 'ALIGN_PERCENTILE_50', windowMs, total), read(METRIC.latencies, 'ALIGN_PERCENTILE_95', windowMs, total),
    ]);
    const byEnd = new Map<string, FiguresBucket>();
    const bucket = (p: Point) => {
      let b = byEnd.get(p.end);
      if (!b) byEnd.set(p.end, (b = { start: p.start, end: p.end, predictions: 0, errors: 0, p50LatencyMs: null, p95LatencyMs: null }));
      return b;
    };
    for (const p of counts) bucket(p).predictions += p.value;
    for (const p of errors) bucket(p).errors += p.value;
    for (const p of p50) bucket(p).p50LatencyMs = p.value;
    for (const p of p95) bucket(p).p95LatencyMs = p.value;
    const buckets = [...byEnd.values()].sort((a, b) => a.end.localeCompare(b.end));
    return {
      predictions: buckets.reduce((n, b) => n + b.predictions, 0),
      errors: buckets.reduce((n, b) => n + b.errors, 0),
      p50LatencyMs: p50All[0]?.value ?? null,
      p95LatencyMs: p95All[0]?.value ?? null,
      buckets,
    };
  }

  private async points(filter: string, q: FiguresQuery, aligner: string, periodMs: number): Promise<Point[]> {
    const client = await this.client();
    try {
      const [series] = await client.listTimeSeries({
        name: `projects/${this.project}`,
        filter,
        interval: { startTime: timestamp(q.start), endTime: timestamp(q.end) },
        aggregation: { alignmentPeriod: { seconds: Math.max(60, Math.round(periodMs / 1000)) }, perSeriesAligner: aligner as never },
        view: 'FULL',
      }, { autoPaginate: false });
      return series.flatMap((s) => (s.points ?? []).map((p) => ({
        start: iso(p.interval?.startTime), end: iso(p.interval?.endTime),
        value: Number(p.value?.doubleValue ?? p.value?.int64Value ?? 0),
      })));
    } catch (error) {
      throw upstreamError('Cloud Monitoring', error);
    }
  }
}

interface Point { start: string; end: string; value: number }

function timestamp(d: Date) {
  return { seconds: Math.floor(d.getTime() / 1000), nanos: (d.getTime() % 1000) * 1e6 };
}

function iso(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  return new Date(Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6)).toISOString();
}
