import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery } from '../../../../shared/schemas/api';
import type { VersionRefResolver } from '../../app/aliases';
import type { VersionLifecycle } from '../../app/version-lifecycle';
import type { Route } from '../route';
import { actorOf } from './deployment-routes';

/** Compare (Versions tab), archive and delete of versions. */
export function lifecycleRoutes(lifecycle: VersionLifecycle, resolve: VersionRefResolver): Route[] {
  return [
    {
      method: 'GET', path: '/api/models/:id/compare/:otherId', role: 'viewer',
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const [from, to] = await Promise.all([resolve(params.id!), resolve(params.otherId!, 'params.otherId')]);
        return { body: await lifecycle.compare(from, to) };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/archive', role: 'editor',
      async handle({ params, query, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await lifecycle.archive(await resolve(params.id!), actorOf(principal)) };
      },
    },
    {
      method: 'DELETE', path: '/api/models/:id', role: 'deployer',
      async handle({ params, query, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await lifecycle.delete(await resolve(params.id!), actorOf(principal)) };
      },
    },
  ];
}
