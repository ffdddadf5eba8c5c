import { z } from 'zod';

/** Vertex AI refuses online prediction requests over 1.5 MB; the API refuses them first (413). */
export const MAX_PREDICT_REQUEST_BYTES = 1.5 * 1024 * 1024;
export const MAX_PREDICT_INSTANCES = 1000;

/**
 * `POST /api/models/{id}/predict`: what Vertex AI's PredictRequest carries, as JSON. Instances are objects of
 * named inputs (the serving signature's, as the playground edits them); parameters an object too.
 */
export const PredictRequest = z.strictObject({
  instances: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_PREDICT_INSTANCES),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type PredictRequest = z.output<typeof PredictRequest>;

export const PredictResponseSchema = z.object({
  versionId: z.string(),
  predictions: z.array(z.unknown()),
  /** Who answered, as Vertex AI reports it: with a canary on the endpoint, not always the version asked about. */
  answeredBy: z.object({
    endpoint: z.string(),
    deployedModelId: z.string(),
    model: z.string(),
    modelVersionId: z.string(),
    /** The registry version that deployed model serves, when the registry knows it. */
    versionId: z.string().nullable(),
  }),
  /** Round trip to Vertex AI, in milliseconds. */
  latencyMs: z.number(),
});
export type PredictResponse = z.infer<typeof PredictResponseSchema>;
