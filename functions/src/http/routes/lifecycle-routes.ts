import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, VersionRefParam } from '../../../../shared/schemas/api';
import { ArchiveResponseSchema, CompareResponseSchema, DeleteVersionResponseSchema } from '../../../../shared/schemas/responses';
import type { VersionRefResolver } from '../../app/aliases';
import type { VersionLifecycle } from '../../app/version-lifecycle';
import type { Route } from '../route';
import { actorOf } from './deployment-routes';

/** Compare (Versions tab), archive and delete of versions. */
export function lifecycleRoutes(lifecycle: VersionLifecycle, resolve: VersionRefResolver): Route[] {
  return [
    {
      method: 'GET', path: '/api/models/:id/compare/:otherId', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'compareModels', summary: 'Two versions side by side with the change of every metric',
        params: { id: VersionRefParam, otherId: VersionRefParam }, query: EmptyQuery, responses: { 200: { description: 'Both versions and the deltas', schema: CompareResponseSchema }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const [from, to] = await Promise.all([resolve(params.id!), resolve(params.otherId!, 'params.otherId')]);
        return { body: await lifecycle.compare(from, to) };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/archive', role: 'editor',
      doc: {
        operationId: 'archiveModel', summary: 'Archive a version (hidden from lists, kept for lineage)',
        params: { id: VersionRefParam }, query: EmptyQuery, responses: { 200: { description: 'The version', schema: ArchiveResponseSchema }  }, errors: ['NOT_FOUND', 'CONFLICT'],
      },
      async handle({ params, query, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await lifecycle.archive(await resolve(params.id!), actorOf(principal)) };
      },
    },
    {
      method: 'DELETE', path: '/api/models/:id', role: 'deployer',
      doc: {
        operationId: 'deleteModel', summary: 'Delete a version that is neither deployed nor aliased',
        params: { id: VersionRefParam }, query: EmptyQuery, responses: { 200: { description: 'What was deleted', schema: DeleteVersionResponseSchema }  }, errors: ['NOT_FOUND', 'CONFLICT'],
      },
      async handle({ params, query, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await lifecycle.delete(await resolve(params.id!), actorOf(principal)) };
      },
    },
  ];
}
