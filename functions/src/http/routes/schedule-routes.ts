import { ValidationError } from '../../../../shared/errors';
import { parseOrThrow } from '../../../../shared/validation';
import {
  CreateScheduleBody, ListSchedulesQuery, ScheduleIdParam, UpdateScheduleBody, type ListSchedulesResponse,
} from '../../../../shared/schemas/schedule-api';
import type { TrainingSchedules } from '../../app/training-schedules';
import type { Principal } from '../auth';
import type { Route } from '../route';

/** The use case names timing fields relative to the schedule; here they came from the request body. */
async function fromBody<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.fields.map((f) => ({ ...f, path: `body.${f.path}` })), error.message);
    throw error;
  }
}

const actor = (principal: Principal | null) => principal?.email ?? principal?.subject ?? 'unknown';
const BASE = '/api/training-schedules';

/** Training schedules: viewers read, editors create, change, pause, resume and delete. */
export function scheduleRoutes(schedules: TrainingSchedules): Route[] {
  const id = (params: Record<string, string>) => parseOrThrow(ScheduleIdParam, params.id, 'params.id');
  return [
    {
      method: 'POST', path: BASE, role: 'editor',
      async handle({ body, principal }) {
        const input = parseOrThrow(CreateScheduleBody, body, 'body');
        const created = await fromBody(() => schedules.create(input, actor(principal)));
        return { status: 201, body: created, headers: { Location: `${BASE}/${created.id}` } };
      },
    },
    {
      method: 'GET', path: BASE, role: 'viewer',
      async handle({ query }) {
        const q = parseOrThrow(ListSchedulesQuery, query, 'query');
        const page = await schedules.list(q.page_size, q.cursor);
        const response: ListSchedulesResponse = { ...page, pageSize: q.page_size };
        return { body: response };
      },
    },
    {
      method: 'GET', path: `${BASE}/:id`, role: 'viewer',
      async handle({ params }) {
        return { body: await schedules.get(id(params)) };
      },
    },
    {
      method: 'PATCH', path: `${BASE}/:id`, role: 'editor',
      async handle({ params, body }) {
        const scheduleId = id(params);
        const patch = parseOrThrow(UpdateScheduleBody, body, 'body');
        return { body: await fromBody(() => schedules.update(scheduleId, patch)) };
      },
    },
    {
      method: 'POST', path: `${BASE}/:id/pause`, role: 'editor',
      async handle({ params }) {
        return { body: await schedules.pause(id(params)) };
      },
    },
    {
      method: 'POST', path: `${BASE}/:id/resume`, role: 'editor',
      async handle({ params }) {
        return { body: await schedules.resume(id(params)) };
      },
    },
    {
      method: 'DELETE', path: `${BASE}/:id`, role: 'editor',
      async handle({ params }) {
        await schedules.delete(id(params));
        return { status: 204, body: null };
      },
    },
  ];
}
