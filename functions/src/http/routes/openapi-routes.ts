import { z } from 'zod';
import { API_VERSION, buildOpenApiDocument, type OpenApiDocument } from '../openapi/document';
import type { Route } from '../route';

const OpenApiDocumentSchema = z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) });

/**
 * `GET /api/openapi.json`, public like the docs it feeds: the document of the routes this instance
 * serves (itself included), built on first request.
 */
export function openApiRoutes(served: readonly Route[]): Route[] {
  let document: OpenApiDocument | undefined;
  const self: Route = {
    method: 'GET', path: '/api/openapi.json', role: 'public',
    doc: {
      operationId: 'getOpenApiDocument', summary: 'This API as an OpenAPI 3.1 document',
      responses: { 200: { description: 'The document', schema: OpenApiDocumentSchema } },
    },
    async handle() {
      document ??= buildOpenApiDocument([...served, self], API_VERSION);
      return { body: document };
    },
  };
  return [self];
}
