import { z } from 'zod';
import { parseOrThrow, toFieldIssues } from '../../../../shared/validation';
import { ValidationError } from '../../../../shared/errors';
import { queryInteger } from '../../../../shared/schemas/common';
import { canonicalTimeZone, isValidTimeZone } from '../../../../shared/domain/schedule-projection';
import { CalendarDaySchema, CalendarGridSchema, CalendarResponseSchema } from '../../../../shared/schemas/responses';
import { compactCalendar } from '../../../../shared/domain/calendar-wire';
import { calendarGrid } from '../../../../shared/domain/calendar-grid';
import { expandCalendarCore } from '../../../../shared/domain/calendar';
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

const DayQueryParams = z.strictObject({
  tz: CalendarQueryParams.shape.tz,
});
const DateParam = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a calendar date (YYYY-MM-DD)');

const BASE = '/api/training-schedules/calendar';

/**
 * Seed 000's training calendar, in three reads of one computation: the grid (bounded whatever the
 * history or the schedules' cron), one day's every entry, and the whole window's every entry.
 */
export function calendarRoutes(reader: CalendarReader): Route[] {
  const window = (query: Record<string, unknown>) => {
    const q = parseOrThrow(CalendarQueryParams, query, 'query');
    return reader.read({ tz: q.tz, weeksPast: q.weeks_past, weeksFuture: q.weeks_future });
  };
  return [
    {
      method: 'GET', path: BASE, role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getCalendar', summary: 'Training calendar grid: per day the runs, planned fires and missed slots, counted, with the first few schedules by name',
        description: 'What the dashboard draws. Its size follows the window\'s days, not the history or how often schedules fire; a day\'s every entry is at `/days/{date}`.',
        query: CalendarQueryParams, responses: { 200: { description: 'The calendar window', schema: CalendarGridSchema } },
      },
      async handle({ query }) {
        return { body: calendarGrid(await window(query)) };
      },
    },
    {
      method: 'GET', path: `${BASE}/days/:date`, role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getCalendarDay', summary: "One day of the training calendar in seed 000's shape: each schedule once with its fires, each schedule's runs with their latest",
        params: { date: DateParam }, query: DayQueryParams, responses: { 200: { description: 'The day', schema: CalendarDaySchema } },
      },
      async handle({ params, query }) {
        // Both checked before answering, so that a 400 names every field at fault.
        const [date, q] = [DateParam.safeParse(params.date), DayQueryParams.safeParse(query)];
        if (!date.success || !q.success) {
          throw new ValidationError([...(date.error ? toFieldIssues(date.error.issues, 'params.date') : []), ...(q.error ? toFieldIssues(q.error.issues, 'query') : [])]);
        }
        return { body: await reader.readDay({ tz: q.data.tz, date: date.data }) };
      },
    },
    {
      method: 'GET', path: `${BASE}/full`, role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getCalendarFull', summary: 'The whole window, every entry: each schedule once, its days as series with counts',
        description: "`expandCalendar` (shared/domain/calendar-wire.ts) turns it into seed 000's per-day `scheduled` / `historical` / `missed` maps. Its size follows the history and the schedules' patterns.",
        query: CalendarQueryParams, responses: { 200: { description: 'The calendar window', schema: CalendarResponseSchema } },
      },
      async handle({ query }) {
        return { body: compactCalendar(expandCalendarCore(await window(query))) };
      },
    },
  ];
}
