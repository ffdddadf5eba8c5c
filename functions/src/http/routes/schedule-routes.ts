import { ValidationError } from '../../../../shared/errors';
import { parseOrThrow } from '../../../../shared/validation';
import {
  CreateScheduleBody, ListSchedulesQuery, ScheduleIdParam, UpdateScheduleBody, type ListSchedulesResponse,
} from '../../../../shared/schemas/schedule-api';
import { ListSchedulesResponseSchema, ScheduleViewSchema } from '../../../../shared/schemas/responses';
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
      doc: {
        operationId: 'createSchedule', summary: 'Create a training schedule (and its Cloud Scheduler job)',
        body: CreateScheduleBody, responses: { 201: { description: 'The schedule, with its next fire time', schema: ScheduleViewSchema }  }, errors: ['ALREADY_EXISTS'],
      },
      async handle({ body, principal }) {
        const input = parseOrThrow(CreateScheduleBody, body, 'body');
        const created = await fromBody(() => schedules.create(input, actor(principal)));
        return { status: 201, body: created, headers: { Location: `${BASE}/${created.id}` } };
      },
    },
    {
      method: 'GET', path: BASE, role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'listSchedules', summary: 'List training schedules',
        query: ListSchedulesQuery, responses: { 200: { description: 'A page of schedules', schema: ListSchedulesResponseSchema }  },
      },
      async handle({ query }) {
        const q = parseOrThrow(ListSchedulesQuery, query, 'query');
        const page = await schedules.list(q.page_size, q.cursor);
        const response: ListSchedulesResponse = { ...page, pageSize: q.page_size };
        return { body: response };
      },
    },
    {
      method: 'GET', path: `${BASE}/:id`, role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getSchedule', summary: 'One training schedule',
        params: { id: ScheduleIdParam }, responses: { 200: { description: 'The schedule', schema: ScheduleViewSchema }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params }) {
        return { body: await schedules.get(id(params)) };
      },
    },
    {
      method: 'PATCH', path: `${BASE}/:id`, role: 'editor',
      doc: {
        operationId: 'updateSchedule', summary: 'Change a training schedule',
        params: { id: ScheduleIdParam }, body: UpdateScheduleBody, responses: { 200: { description: 'The changed schedule', schema: ScheduleViewSchema }  }, errors: ['NOT_FOUND', 'CONFLICT'],
      },
      async handle({ params, body }) {
        const scheduleId = id(params);
        const patch = parseOrThrow(UpdateScheduleBody, body, 'body');
        return { body: await fromBody(() => schedules.update(scheduleId, patch)) };
      },
    },
    {
      method: 'POST', path: `${BASE}/:id/pause`, role: 'editor',
      doc: {
        operationId: 'pauseSchedule', summary: 'Pause a training schedule',
        params: { id: ScheduleIdParam }, responses: { 200: { description: 'The paused schedule', schema: ScheduleViewSchema }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params }) {
        return { body: await schedules.pause(id(params)) };
      },
    },
    {
      method: 'POST', path: `${BASE}/:id/resume`, role: 'editor',
      doc: {
        operationId: 'resumeSchedule', summary: 'Resume a paused training schedule',
        params: { id: ScheduleIdParam }, responses: { 200: { description: 'The resumed schedule', schema: ScheduleViewSchema }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params }) {
        return { body: await schedules.resume(id(params)) };
      },
    },
    {
      method: 'DELETE', path: `${BASE}/:id`, role: 'editor',
      doc: {
        operationId: 'deleteSchedule', summary: 'Delete a training schedule and its job',
        params: { id: ScheduleIdParam }, responses: { 204: { description: 'Deleted' }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params }) {
        await schedules.delete(id(params));
        return { status: 204, body: null };
      },
    },
  ];
}
