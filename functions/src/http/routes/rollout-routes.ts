import { z } from 'zod';
import { NotFoundError } from '../../../../shared/errors';
import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, VersionRefParam } from '../../../../shared/schemas/api';
import { Rollout, RolloutActionRequest, StartRolloutRequest } from '../../../../shared/schemas/rollout';
import type { VersionRefResolver } from '../../app/aliases';
import type { RolloutService } from '../../app/rollouts';
import type { Route } from '../route';
import { actorOf } from './deployment-routes';

const OnlineMetricRequest = z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), value: z.number() });

/** Canary rollouts of a challenger version (`:id`) against the champion serving beside it. */
export function rolloutRoutes(rollouts: RolloutService, resolve: VersionRefResolver): Route[] {
  const errors = ['NOT_FOUND', 'NOT_DEPLOYED', 'CONFLICT', 'TRAFFIC_CHANGED', 'UPSTREAM_FAILED', 'UPSTREAM_UNAVAILABLE'] as const;
  return [
    {
      method: 'POST', path: '/api/models/:id/rollout', role: 'deployer',
      doc: {
        operationId: 'startRollout', summary: 'Start a canary rollout of a deployed challenger beside its champion',
        description: 'The plan\'s steps (rising to 100 %) each bake their minutes; the minute job advances them and rolls back when a guard (error rate, p95 latency, online metric) is breached.',
        params: { id: VersionRefParam }, query: EmptyQuery, body: StartRolloutRequest,
        responses: { 200: { description: 'The rollout at its first step', schema: Rollout } }, errors: [...errors],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const request = parseOrThrow(StartRolloutRequest, body, 'body');
        return { body: await rollouts.start(await resolve(params.id!), request, actorOf(principal)) };
      },
    },
    {
      method: 'GET', path: '/api/models/:id/rollout', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getRollout', summary: 'The rollout of a challenger version, with every step',
        params: { id: VersionRefParam }, query: EmptyQuery, responses: { 200: { description: 'The rollout', schema: Rollout } }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const id = await resolve(params.id!);
        const rollout = await rollouts.get(id);
        if (!rollout) throw new NotFoundError('Rollout', id);
        return { body: rollout };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/rollout/promote', role: 'deployer',
      doc: {
        operationId: 'promoteRollout', summary: 'Give the challenger all traffic now and retire the champion',
        params: { id: VersionRefParam }, query: EmptyQuery, body: RolloutActionRequest, bodyOptional: true,
        responses: { 200: { description: 'The completed rollout', schema: Rollout } }, errors: [...errors],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const { reason } = parseOrThrow(RolloutActionRequest, body ?? {}, 'body');
        return { body: await rollouts.promote(await resolve(params.id!), actorOf(principal), reason) };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/rollout/rollback', role: 'deployer',
      doc: {
        operationId: 'rollBackRollout', summary: 'Hand all traffic back to the champion and stop the rollout',
        params: { id: VersionRefParam }, query: EmptyQuery, body: RolloutActionRequest, bodyOptional: true,
        responses: { 200: { description: 'The rolled-back rollout', schema: Rollout } }, errors: [...errors],
      },
      async handle({ params, query, body, principal }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const { reason } = parseOrThrow(RolloutActionRequest, body ?? {}, 'body');
        return { body: await rollouts.rollBack(await resolve(params.id!), actorOf(principal), reason) };
      },
    },
    {
      method: 'POST', path: '/api/models/:id/rollout/metric', role: 'deployer',
      doc: {
        operationId: 'reportRolloutMetric', summary: 'Report the latest value of the online metric the rollout\'s plan guards',
        params: { id: VersionRefParam }, query: EmptyQuery, body: OnlineMetricRequest,
        responses: { 204: { description: 'Recorded; the next check of the minute job judges by it' } }, errors: ['NOT_FOUND', 'CONFLICT'],
      },
      async handle({ params, query, body }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const { name, value } = parseOrThrow(OnlineMetricRequest, body, 'body');
        await rollouts.reportOnlineMetric(await resolve(params.id!), name, value);
        return { status: 204, body: null };
      },
    },
  ];
}
