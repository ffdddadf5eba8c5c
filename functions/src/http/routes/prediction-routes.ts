import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, VersionRefParam } from '../../../../shared/schemas/api';
import { PredictRequest, PredictResponseSchema } from '../../../../shared/schemas/prediction';
import type { VersionRefResolver } from '../../app/aliases';
import type { PredictionService } from '../../app/predictions';
import type { ServingMonitor } from '../../app/serving-monitor';
import { MonitoringQuery, MonitoringResponseSchema } from '../../../../shared/schemas/monitoring';
import type { Route } from '../route';

/** The Deployment tab's playground: online predictions from a deployed version. */
export function predictionRoutes(predictions: PredictionService, resolve: VersionRefResolver): Route[] {
  return [
    {
      // deployer: a prediction costs serving capacity and reaches production traffic figures (and canary guards).
      method: 'POST', path: '/api/models/:id/predict', role: 'deployer',
      doc: {
        operationId: 'predict', summary: 'Send instances to the endpoint a version is deployed on (Vertex AI online prediction)',
        description: 'Vertex AI picks the deployed model by the endpoint\'s traffic split: `answeredBy` says which one answered. At most 1.5 MB of instances and parameters.',
        params: { id: VersionRefParam }, query: EmptyQuery, body: PredictRequest,
        responses: { 200: { description: 'The predictions, who answered and the latency', schema: PredictResponseSchema } },
        errors: ['NOT_FOUND', 'NOT_DEPLOYED', 'PAYLOAD_TOO_LARGE', 'PREDICTION_FAILED', 'UPSTREAM_FAILED', 'UPSTREAM_UNAVAILABLE'],
      },
      async handle({ params, query, body }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const request = parseOrThrow(PredictRequest, body, 'body');
        return { body: await predictions.predict(await resolve(params.id!), request) };
      },
    },
  ];
}

/** The Deployment tab's charts: a deployed version's prediction and error counts and latency percentiles. */
export function monitoringRoutes(monitor: ServingMonitor, resolve: VersionRefResolver): Route[] {
  return [
    {
      method: 'GET', path: '/api/models/:id/monitoring', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getServingFigures', summary: 'Predictions, errors and p50/p95 latency of a deployed version (Cloud Monitoring)',
        description: '`window` hour (5-minute buckets) or day (1-hour buckets); from Vertex AI\'s `prediction/online/*` metrics.',
        params: { id: VersionRefParam }, query: MonitoringQuery,
        responses: { 200: { description: 'Totals over the window and the buckets', schema: MonitoringResponseSchema } },
        errors: ['NOT_FOUND', 'NOT_DEPLOYED', 'UPSTREAM_FAILED', 'UPSTREAM_UNAVAILABLE'],
      },
      async handle({ params, query }) {
        const { window } = parseOrThrow(MonitoringQuery, query, 'query');
        return { body: await monitor.figures(await resolve(params.id!), window) };
      },
    },
  ];
}
