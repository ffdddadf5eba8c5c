import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, ListModelsQuery, VersionIdParam } from '../../../../shared/schemas/api';
import type { ModelReader } from '../../app/model-reader';
import type { Route } from '../route';

/** Read routes of the registry (seed 000's API); each validates its input and calls one use case. */
export function modelReadRoutes(reader: ModelReader): Route[] {
  const id = (params: Record<string, string>) => parseOrThrow(VersionIdParam, params.id, 'params.id');
  return [
    {
      method: 'GET', path: '/api/models', role: 'viewer',
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
      method: 'GET', path: '/api/models/summary', role: 'viewer',
      async handle({ query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await reader.summary() };
      },
    },
    {
      method: 'GET', path: '/api/models/:id', role: 'viewer',
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await reader.get(id(params)) };
      },
    },
    {
      method: 'GET', path: '/api/models/:id/versions', role: 'viewer',
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await reader.history(id(params)) };
      },
    },
    {
      method: 'GET', path: '/api/models/:id/lineage', role: 'viewer',
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await reader.lineage(id(params)) };
      },
    },
  ];
}
