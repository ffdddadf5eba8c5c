import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, ListModelsQuery, VersionIdParam } from '../../../../shared/schemas/api';
import {
  LineageResponseSchema, ListModelsResponseSchema, ModelVersionViewSchema, SummaryResponseSchema, VersionsResponseSchema,
} from '../../../../shared/schemas/responses';
import type { ModelReader } from '../../app/model-reader';
import type { Route } from '../route';

/** Read routes of the registry (seed 000's API); each validates its input and calls one use case. */
export function modelReadRoutes(reader: ModelReader): Route[] {
  const id = (params: Record<string, string>) => parseOrThrow(VersionIdParam, params.id, 'params.id');
  return [
    {
      method: 'GET', path: '/api/models', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'listModels', summary: 'List registered versions, filtered, searched, sorted and paged',
        query: ListModelsQuery, responses: { 200: { description: 'A page of versions', schema: ListModelsResponseSchema } },
      },
      async handle({ query }) {
        const q = parseOrThrow(ListModelsQuery, query, 'query');
        return {
          body: await reader.list({
            modelType: q.model_type, status: q.status, sort: q.sort, search: q.search, pageSize: q.page_size, cursor: q.cursor,
          }),
        };
      },
    },
    {
      method: 'GET', path: '/api/models/summary', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getSummary', summary: 'Counts of versions by status, and the latest registration',
        query: EmptyQuery, responses: { 200: { description: 'The KPI counts', schema: SummaryResponseSchema } },
      },
      async handle({ query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await reader.summary() };
      },
    },
    {
      method: 'GET', path: '/api/models/:id', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getModel', summary: 'One version with its metrics, blessing, artifacts and deployment',
        query: EmptyQuery, responses: { 200: { description: 'The version', schema: ModelVersionViewSchema } }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await reader.get(id(params)) };
      },
    },
    {
      method: 'GET', path: '/api/models/:id/versions', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'listFamilyVersions', summary: "Every version of the version's family, with metric changes from the previous one",
        query: EmptyQuery, responses: { 200: { description: 'The family history, newest first', schema: VersionsResponseSchema } }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await reader.history(id(params)) };
      },
    },
    {
      method: 'GET', path: '/api/models/:id/lineage', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getLineage', summary: 'Experiment, training run, dataset and configs the version came from',
        query: EmptyQuery, responses: { 200: { description: 'The lineage graph and related runs', schema: LineageResponseSchema } }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await reader.lineage(id(params)) };
      },
    },
  ];
}
