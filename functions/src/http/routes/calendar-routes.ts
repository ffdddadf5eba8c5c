import { z } from 'zod';
import { parseOrThrow } from '../../../../shared/validation';
import { queryInteger } from '../../../../shared/schemas/common';
import { canonicalTimeZone, isValidTimeZone } from '../../../../shared/domain/schedule-projection';
import { CalendarResponseSchema } from '../../../../shared/schemas/responses';
import { compactCalendar } from '../../../../shared/domain/calendar-wire';
import type { CalendarReader } from '../../app/calendar';
import type { Route } from '../route';

/** Query strings arrive as strings, or arrays when repeated; a repeated parameter is an error. */
const single = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), schema);
const weeks = queryInteger(0, 52);

export const CalendarQueryParams = z
  .strictObject({
    weeks_past: weeks.default(10),
    weeks_future: weeks.default(30),
    tz: single(z.string().min(1).max(100).refine(isValidTimeZone, 'is not a known IANA time zone'))
      .default('UTC')
      .transform(canonicalTimeZone),
  })
  .refine((q) => q.weeks_past + q.weeks_future > 0, { path: ['weeks_future'], message: 'the calendar needs at least one week' });

/** Seed 000's training calendar: `GET /api/training-schedules/calendar?weeks_past=&weeks_future=&tz=`. */
export function calendarRoutes(reader: CalendarReader): Route[] {
  return [
    {
      method: 'GET', path: '/api/training-schedules/calendar', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getCalendar', summary: 'Training calendar: scheduled fires, past runs and missed slots per day',
        description: 'Each schedule is listed once in `schedules`; days refer to it by index with counts, so the size does not follow how often a schedule fires.',
        query: CalendarQueryParams, responses: { 200: { description: 'The calendar window', schema: CalendarResponseSchema }  },
      },
      async handle({ query }) {
        const q = parseOrThrow(CalendarQueryParams, query, 'query');
        return { body: compactCalendar(await reader.read({ tz: q.tz, weeksPast: q.weeks_past, weeksFuture: q.weeks_future })) };
      },
    },
  ];
}
