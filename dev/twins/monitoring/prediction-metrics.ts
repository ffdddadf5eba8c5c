import { grpc } from 'google-gax';
import { RpcError, fieldErrors } from '../vertex/errors';
import type { PredictionRecord } from '../vertex/predictions';

/** Vertex AI's online prediction metrics, as Cloud Monitoring names them. */
export const PREDICTION_METRICS = {
  count: 'aiplatform.googleapis.com/prediction/online/prediction_count',
  errors: 'aiplatform.googleapis.com/prediction/online/error_count',
  latencies: 'aiplatform.googleapis.com/prediction/online/prediction_latencies',
} as const;
const METRIC_TYPES: readonly string[] = Object.values(PREDICTION_METRICS);
const ENDPOINT_RESOURCE = 'aiplatform.googleapis.com/Endpoint';
const ENDPOINT_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/endpoints\/([^/]+)$/;

interface Timestamp { seconds?: string | number | null; nanos?: number | null }
export interface ListTimeSeriesRequest {
  name?: string;
  filter?: string;
  interval?: { startTime?: Timestamp | null; endTime?: Timestamp | null } | null;
  aggregation?: { alignmentPeriod?: { seconds?: string | number | null } | null; perSeriesAligner?: string | null; crossSeriesReducer?: string | null } | null;
  view?: string;
}

/** `a = "x" AND b = "y"`: the equality filters the registry sends (Cloud Monitoring's filter language has more). */
export function parseFilter(filter: string): Map<string, string> {
  const terms = new Map<string, string>();
  for (const term of filter.split(/\s+AND\s+/)) {
    const match = /^\s*([a-z_.]+)\s*=\s*"([^"]*)"\s*$/.exec(term);
    if (!match) throw fieldErrors([{ field: 'filter', description: `Unsupported filter term: ${term.trim()}` }]);
    terms.set(match[1]!, match[2]!);
  }
  return terms;
}

const ms = (t: Timestamp | null | undefined) => (t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN);
const ts = (at: number) => ({ seconds: String(Math.floor(at / 1000)), nanos: (at % 1000) * 1e6 });

/**
 * MetricService.ListTimeSeries over the Vertex twin's prediction records: one series per (endpoint, deployed
 * model), points per alignment period, newest first, as Cloud Monitoring answers. Aligners: ALIGN_SUM / ALIGN_DELTA
 * for the counts, ALIGN_PERCENTILE_05/50/95/99 for the latencies (ms, as Vertex reports them).
 */
export function listTimeSeries(records: () => PredictionRecord[], request: ListTimeSeriesRequest): object {
  const project = /^projects\/([^/]+)$/.exec(request.name ?? '')?.[1];
  if (!project) throw fieldErrors([{ field: 'name', description: 'Must be projects/{project_id_or_number}.' }]);
  const terms = parseFilter(request.filter ?? '');
  const type = terms.get('metric.type');
  if (!type || !METRIC_TYPES.includes(type)) throw fieldErrors([{ field: 'filter', description: `The filter must name one of the metrics ${METRIC_TYPES.join(', ')}.` }]);
  const start = ms(request.interval?.startTime);
  const end = ms(request.interval?.endTime);
  if (!Number.isFinite(end) || !Number.isFinite(start) || start > end) throw fieldErrors([{ field: 'interval', description: 'interval.start_time and interval.end_time are required, start before end.' }]);
  const periodMs = Number(request.aggregation?.alignmentPeriod?.seconds ?? 0) * 1000 || end - start || 60_000;
  const aligner = request.aggregation?.perSeriesAligner ?? 'ALIGN_NONE';
  const percentile = /^ALIGN_PERCENTILE_(\d+)$/.exec(aligner)?.[1];
  if (type === PREDICTION_METRICS.latencies ? !percentile : !['ALIGN_SUM', 'ALIGN_DELTA'].includes(aligner)) {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `The aligner ${aligner} is not supported for ${type} by the twin.`);
  }

  const wanted = (r: PredictionRecord) => {
    const match = ENDPOINT_NAME.exec(r.endpoint)!;
    const labels: Record<string, string> = {
      'resource.type': ENDPOINT_RESOURCE, 'resource.labels.resource_container': match[1]!, 'resource.labels.location': match[2]!,
      'resource.labels.endpoint_id': match[3]!, 'metric.labels.deployed_model_id': r.deployedModelId, 'metric.labels.latency_type': 'total',
    };
    return match[1] === project && r.at > start && r.at <= end && [...terms].every(([k, v]) => k === 'metric.type' || labels[k] === v);
  };
  const groups = new Map<string, PredictionRecord[]>();
  for (const r of records().filter(wanted)) groups.set(`${r.endpoint}\n${r.deployedModelId}`, [...(groups.get(`${r.endpoint}\n${r.deployedModelId}`) ?? []), r]);

  const timeSeries = [...groups.values()].map((list) => {
    const match = ENDPOINT_NAME.exec(list[0]!.endpoint)!;
    const points: object[] = [];
    for (let bucketEnd = end; bucketEnd > start; bucketEnd -= periodMs) {
      const inBucket = list.filter((r) => r.at > bucketEnd - periodMs && r.at <= bucketEnd);
      if (!inBucket.length) continue;
      const interval = { startTime: ts(Math.max(start, bucketEnd - periodMs)), endTime: ts(bucketEnd) };
      if (percentile) points.push({ interval, value: { doubleValue: percentileOf(inBucket.map((r) => r.latencyMs), Number(percentile)) } });
      else points.push({ interval, value: { int64Value: String(type === PREDICTION_METRICS.errors ? inBucket.filter((r) => r.code !== 0).length : inBucket.length) } });
    }
    return {
      metric: { type, labels: { deployed_model_id: list[0]!.deployedModelId, ...(percentile ? { latency_type: 'total' } : {}) } },
      resource: { type: ENDPOINT_RESOURCE, labels: { resource_container: match[1]!, location: match[2]!, endpoint_id: match[3]! } },
      metricKind: percentile ? 'GAUGE' : 'DELTA',
      valueType: percentile ? 'DOUBLE' : 'INT64',
      points,
    };
  });
  return { timeSeries, nextPageToken: '', executionErrors: [], unit: percentile ? 'ms' : '1' };
}

/** Nearest-rank percentile. */
function percentileOf(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank]! * 1000) / 1000;
}
