import { VersionRefParam } from '../../../../shared/schemas/api';
import type { VersionRefResolver } from '../../app/aliases';
import type { Route } from '../route';

/**
 * Makes routes that take a version id in `:id` accept any version reference (`family@prod`,
 * `family@v3`): the reference is resolved to the version id before the route sees it.
 */
export function withVersionRefs(routes: Route[], resolve: VersionRefResolver): Route[] {
  return routes.map((route) => (!route.path.includes('/:id') ? route : {
    ...route,
    doc: { ...route.doc, params: { ...route.doc.params, id: VersionRefParam }, errors: [...new Set([...(route.doc.errors ?? []), 'NOT_FOUND' as const])] },
    async handle(ctx) {
      const id = ctx.params.id;
      return route.handle(id === undefined ? ctx : { ...ctx, params: { ...ctx.params, id: await resolve(id) } });
    },
  }));
}
