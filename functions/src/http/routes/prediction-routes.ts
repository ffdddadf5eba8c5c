import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, VersionRefParam } from '../../../../shared/schemas/api';
import { PredictRequest, PredictResponseSchema } from '../../../../shared/schemas/prediction';
import type { VersionRefResolver } from '../../app/aliases';
import type { PredictionService } from '../../app/predictions';
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
