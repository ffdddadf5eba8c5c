import { DomainError, ValidationError } from '../../../../shared/errors';
import type { PredictAnswer, PredictCall, PredictionGateway } from '../../../../shared/registry-ports';
import type { VertexClientProvider } from './clients';
import { grpcCode, translateVertexError } from './grpc-errors';

const INVALID_ARGUMENT = 3;
// The model server's own failures come back as INTERNAL or UNKNOWN: not worth the caller's blind retry.
const MODEL_FAILURES: ReadonlySet<number> = new Set([2, 13]);

type ValueMessage = {
  kind?: string | null;
  nullValue?: unknown;
  numberValue?: number | null;
  stringValue?: string | null;
  boolValue?: boolean | null;
  structValue?: { fields?: Record<string, ValueMessage> | null } | null;
  listValue?: { values?: ValueMessage[] | null } | null;
};

/** Online prediction through PredictionServiceClient.predict, instances as google.protobuf.Value. */
export class VertexPrediction implements PredictionGateway {
  constructor(private readonly client: VertexClientProvider<'PredictionServiceClient'>) {}

  async predict(call: PredictCall): Promise<PredictAnswer> {
    const client = await this.client();
    // The library's own converter (JSON → Value); it ships none for arbitrary Values back.
    const { helpers } = await import('@google-cloud/aiplatform');
    try {
      const [response] = await client.predict({
        endpoint: call.endpoint,
        instances: call.instances.map((instance) => helpers.toValue(instance as object) as never),
        ...(call.parameters !== undefined ? { parameters: helpers.toValue(call.parameters as object) as never } : {}),
      });
      return {
        predictions: (response.predictions ?? []).map((p) => fromValue(p as ValueMessage)),
        deployedModelId: String(response.deployedModelId ?? ''),
        model: response.model ?? '',
        modelVersionId: response.modelVersionId ?? '',
      };
    } catch (error) {
      throw translatePredictError(error);
    }
  }
}

/**
 * Vertex's refusals of the instances are the caller's to fix (400, on body.instances); a model server that
 * fails is PREDICTION_FAILED; transient failures stay UPSTREAM_UNAVAILABLE.
 */
export function translatePredictError(error: unknown): unknown {
  const code = grpcCode(error);
  if (code === null || error instanceof DomainError) return error;
  const text = String((error as { details?: unknown }).details || (error as Error).message);
  if (code === INVALID_ARGUMENT) return new ValidationError([{ path: 'body.instances', message: `refused by Vertex AI: ${text}` }]);
  if (MODEL_FAILURES.has(code)) return new DomainError('PREDICTION_FAILED', `The deployed model failed to answer: ${text}`, { grpcCode: code });
  return translateVertexError(error);
}

function fromValue(value: ValueMessage | null | undefined): unknown {
  if (!value) return null;
  const kind = value.kind ?? (['numberValue', 'stringValue', 'boolValue', 'structValue', 'listValue'] as const).find((k) => value[k] != null);
  switch (kind) {
    case 'numberValue': return Number(value.numberValue);
    case 'stringValue': return value.stringValue;
    case 'boolValue': return value.boolValue;
    case 'structValue': return Object.fromEntries(Object.entries(value.structValue?.fields ?? {}).map(([k, v]) => [k, fromValue(v)]));
    case 'listValue': return (value.listValue?.values ?? []).map(fromValue);
    default: return null;
  }
}
