import { z } from 'zod';
import type { ErrorCode } from '../../../../shared/errors';
import { AliasHistoryEntry, AliasRecord, DeploymentHistoryEntry } from '../../../../shared/schemas/deployment';
import { Family } from '../../../../shared/schemas/family';
import { PushRecord } from '../../../../shared/schemas/push-record';
import { ErrorBodySchema, ModelVersionViewSchema, ScheduleViewSchema } from '../../../../shared/schemas/responses';
import { statusOf } from '../error-status';
import type { Route, RouteDoc } from '../route';

type JsonSchema = Record<string, unknown>;

/** The contract's version: bumped with a breaking change of any route. */
export const API_VERSION = '1.0.0';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
  tags: { name: string }[];
}

/** Shared shapes become `components/schemas` and are referenced, not repeated in every operation. */
const COMPONENTS = z.registry<{ id: string }>();
COMPONENTS.add(ModelVersionViewSchema, { id: 'ModelVersion' });
COMPONENTS.add(Family, { id: 'Family' });
COMPONENTS.add(ScheduleViewSchema, { id: 'Schedule' });
COMPONENTS.add(DeploymentHistoryEntry, { id: 'DeploymentHistoryEntry' });
COMPONENTS.add(AliasRecord, { id: 'Alias' });
COMPONENTS.add(AliasHistoryEntry, { id: 'AliasHistoryEntry' });
COMPONENTS.add(PushRecord, { id: 'Push' });
COMPONENTS.add(ErrorBodySchema, { id: 'Error' });

/** find-my-way's `/a/:id/b::verb` is OpenAPI's `/a/{id}/b:verb`. */
export function openApiPath(path: string): string {
  return path.split('::').map((part) => part.replace(/:([A-Za-z0-9_]+)/g, '{$1}')).join(':');
}

export function pathParamNames(path: string): string[] {
  return [...path.replaceAll('::', '').matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

/** Codes any route of this kind can answer, whatever its use case does. */
function commonErrors(route: Route): ErrorCode[] {
  const codes: ErrorCode[] = ['INTERNAL'];
  // Every authenticated route reads Firestore (roles at least), which can be unavailable.
  if (route.role !== 'public') codes.push('UNAUTHENTICATED', 'FORBIDDEN', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_FAILED');
  const { doc } = route;
  if (doc.params || doc.query || doc.body) codes.push('VALIDATION_FAILED');
  if (doc.body) codes.push('UNSUPPORTED_MEDIA_TYPE');
  return codes;
}

/**
 * The API's OpenAPI 3.1 document, generated from the route table: every route's parameters, body,
 * answers and error codes come from the zod schemas it validates with, through zod's JSON Schema.
 */
export function buildOpenApiDocument(routes: readonly Route[], version: string): OpenApiDocument {
  const components: Record<string, JsonSchema> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, metadata: io === 'output' ? COMPONENTS : undefined, unrepresentable: 'throw' }) as JsonSchema;
    const { $schema: _, $defs, ...rest } = json;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) components[id] = relink(def);
    return relink(rest);
  };

  convert(ErrorBodySchema, 'output');
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const route of routes) {
    const path = openApiPath(route.path);
    const tag = route.path.split('/')[2] ?? 'api';
    tags.add(tag);
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.doc.operationId,
      summary: route.doc.summary,
      ...(route.doc.description ? { description: route.doc.description } : {}),
      tags: [tag],
      ...(route.role === 'public' ? { security: [] } : { 'x-required-role': route.role }),
      parameters: [...pathParameters(route, convert), ...queryParameters(route.doc, convert)],
      ...(route.doc.body ? {
        requestBody: {
          required: !route.doc.bodyOptional,
          content: { 'application/json': { schema: convert(route.doc.body, 'input') } },
        },
      } : {}),
      responses: { ...successResponses(route.doc, convert), ...errorResponses(route) },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Model registry API',
      version,
      description: 'Registered model versions with metrics, blessing and lineage; deployment, aliases, artifacts and training schedules. ' +
        'Every call but `GET /api/health` and `GET /api/openapi.json` needs a bearer token (a Google ID token in production).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
    tags: [...tags].sort().map((name) => ({ name })),
  };
}

type Convert = (schema: z.ZodType, io: 'input' | 'output') => JsonSchema;

function pathParameters(route: Route, convert: Convert): unknown[] {
  return pathParamNames(route.path).map((name) => {
    const schema = route.doc.params?.[name];
    if (!schema) throw new Error(`${route.method} ${route.path}: path parameter '${name}' has no schema in its doc`);
    return { name, in: 'path', required: true, schema: convert(schema, 'input') };
  });
}

function queryParameters(doc: RouteDoc, convert: Convert): unknown[] {
  if (!doc.query) return [];
  const json = convert(doc.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name, in: 'query', required: json.required?.includes(name) ?? false, schema,
  }));
}

function successResponses(doc: RouteDoc, convert: Convert): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc.responses).map(([status, response]) => {
    const type = response.contentType ?? 'application/json';
    const content = !response.schema && type === 'application/json' ? undefined
      : { [type]: { schema: response.schema ? convert(response.schema, 'output') : { type: 'string', contentMediaType: type } } };
    return [status, { description: response.description, ...(content ? { content } : {}) }];
  }));
}

function errorResponses(route: Route): Record<string, unknown> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const code of [...commonErrors(route), ...(route.doc.errors ?? [])]) {
    const status = statusOf(code);
    if (!byStatus.has(status)) byStatus.set(status, new Set());
    byStatus.get(status)!.add(code);
  }
  return Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([status, codes]) => [String(status), {
    description: [...codes].join(', '),
    'x-error-codes': [...codes],
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  }]));
}

/** zod names its definitions `#/$defs/…`; in the document they live under `components/schemas`. */
function relink(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
}
