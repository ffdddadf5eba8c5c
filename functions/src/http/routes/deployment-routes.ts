import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery } from '../../../../shared/schemas/api';
import { DeployRequest, UndeployRequest } from '../../../../shared/schemas/deployment';
import type { VersionRefResolver } from '../../app/aliases';
import type { DeploymentService } from '../../app/deployments';
import type { Principal } from '../auth';
import type { Route } from '../route';

/** The actor recorded in histories and events: the caller's email, else its subject. */
export function actorOf(principal: Principal | null): string {
  return principal?.email ?? principal?.subject ?? 'unknown';
}

/** Seed 000's `POST /api/models/{id}/deploy|undeploy` and the Deployment tab's history. */
export function deploymentRoutes(deployments: DeploymentService, resolve: VersionRefResolver): Route[] {
  return [
    {
      method: 'POST', path: '/api/models/:id/deploy', role: 'deployer',
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const request = parseOrThrow(DeployRequest, body ?? {}, 'body');
        return { body: await deployments.deploy(await resolve(params.id!), request, actorOf(principal)) };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/undeploy', role: 'deployer',
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const request = parseOrThrow(UndeployRequest, body ?? {}, 'body');
        return { body: await deployments.undeploy(await resolve(params.id!), request, actorOf(principal)) };
      },
    },
    {
      method: 'GET', path: '/api/models/:id/deployments', role: 'viewer',
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const versionId = await resolve(params.id!);
        return { body: { versionId, items: await deployments.history(versionId) } };
      },
    },
  ];
}
