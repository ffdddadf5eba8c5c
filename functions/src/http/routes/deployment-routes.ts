import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, VersionRefParam } from '../../../../shared/schemas/api';
import { DeployRequest, UndeployRequest } from '../../../../shared/schemas/deployment';
import { DeploymentHistoryResponseSchema, DeploymentResultSchema } from '../../../../shared/schemas/responses';
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
      doc: {
        operationId: 'deployModel', summary: 'Deploy a version to a Vertex AI endpoint (blessed ones, or forced)',
        params: { id: VersionRefParam }, query: EmptyQuery, body: DeployRequest, bodyOptional: true, responses: { 200: { description: 'What changed', schema: DeploymentResultSchema }  }, errors: ['NOT_FOUND', 'NOT_BLESSED', 'CONFLICT'],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const request = parseOrThrow(DeployRequest, body ?? {}, 'body');
        return { body: await deployments.deploy(await resolve(params.id!), request, actorOf(principal)) };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/undeploy', role: 'deployer',
      doc: {
        operationId: 'undeployModel', summary: 'Take a version off its endpoint',
        params: { id: VersionRefParam }, query: EmptyQuery, body: UndeployRequest, bodyOptional: true, responses: { 200: { description: 'What changed', schema: DeploymentResultSchema }  }, errors: ['NOT_FOUND', 'CONFLICT'],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const request = parseOrThrow(UndeployRequest, body ?? {}, 'body');
        return { body: await deployments.undeploy(await resolve(params.id!), request, actorOf(principal)) };
      },
    },
    {
      method: 'GET', path: '/api/models/:id/deployments', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'listDeployments', summary: 'Deploy and undeploy history of a version',
        params: { id: VersionRefParam }, query: EmptyQuery, responses: { 200: { description: 'The history, newest first', schema: DeploymentHistoryResponseSchema }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const versionId = await resolve(params.id!);
        return { body: { versionId, items: await deployments.history(versionId) } };
      },
    },
  ];
}
