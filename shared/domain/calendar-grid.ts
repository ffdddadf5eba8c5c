import type { RunStatus } from '../schemas/training-run';
import type { CalendarCore, CalendarResponse, CalendarWarning, FamilyFreshness, HistoricalRun, SlotRef } from './calendar';

/**
 * The calendar as the dashboard's grid needs it: per day and kind (history, planned, missed) the
 * totals and at most GRID_PREVIEW distinct schedules, by name and count. The bytes follow the
 * window's days, never how many runs there were or how often a schedule fires; a day's every entry,
 * in seed 000's shape, comes from `GET /api/training-schedules/calendar/days/{date}` when asked.
 *
 * Pure TypeScript with type-only imports: the dashboard bundles it.
 */

/** Distinct schedules listed per day and kind; the rest are counted in `schedules`/`groups`. */
export const GRID_PREVIEW = 5;

/** One group's runs of the day: an active schedule by its index in `schedules`, else its label (a family's id, or a gone schedule's id). */
export interface GridRunGroup {
  schedule?: number;
  label?: string;
  runs: number;
  statuses: Partial<Record<RunStatus, number>>;
}

export interface GridHistoryDay {
  runs: number;
  statuses: Partial<Record<RunStatus, number>>;
  /** Distinct groups (schedules, or families for runs by hand) that ran. */
  groups: number;
  /** The first GRID_PREVIEW groups: those with a failed run first, then the day's order. */
  top: GridRunGroup[];
}

/** [index in `schedules`, its fires (or missed slots) that day]. */
export type GridSlotRef = [schedule: number, count: number];

export interface GridSlotsDay {
  /** Fires (planned) or slots without a run (missed). */
  count: number;
  /** Distinct schedules. */
  schedules: number;
  /** The first GRID_PREVIEW schedules, by their first slot of the day. */
  top: GridSlotRef[];
}

export interface CalendarGrid {
  window: CalendarResponse['window'];
  /** The schedules the previews name. */
  schedules: { scheduleId: string; name: string }[];
  historical: Record<string, GridHistoryDay>;
  scheduled: Record<string, GridSlotsDay>;
  missed: Record<string, GridSlotsDay>;
  families: FamilyFreshness[];
  warnings: CalendarWarning[];
}

const failedFirst = (a: HistoricalRun, b: HistoricalRun) => Number((b.statuses.failed ?? 0) > 0) - Number((a.statuses.failed ?? 0) > 0);

/** The grid of a whole calendar: totals of every entry, names of the first few. */
export function calendarGrid(core: CalendarCore, preview = GRID_PREVIEW): CalendarGrid {
  const schedules: CalendarGrid['schedules'] = [];
  const index = new Map<string, number>();
  const refOf = (scheduleId: string, name: string): number => {
    let i = index.get(scheduleId);
    if (i === undefined) {
      i = schedules.push({ scheduleId, name }) - 1;
      index.set(scheduleId, i);
    }
    return i;
  };
  const slots = (byDay: Record<string, SlotRef[]>): Record<string, GridSlotsDay> => {
    const out: Record<string, GridSlotsDay> = {};
    for (const [day, refs] of Object.entries(byDay)) {
      if (refs.length === 0) continue;
      out[day] = {
        count: refs.reduce((n, ref) => n + ref[2], 0),
        schedules: refs.length,
        top: refs.slice(0, preview).map(([i, , count]): GridSlotRef => {
          const schedule = core.schedules[i]!;
          return [refOf(schedule.id, schedule.name), count];
        }),
      };
    }
    return out;
  };
  const scheduled = slots(core.scheduled);
  const missed = slots(core.missed);
  const historical: Record<string, GridHistoryDay> = {};
  for (const [day, entries] of Object.entries(core.historical)) {
    if (entries.length === 0) continue;
    const statuses: Partial<Record<RunStatus, number>> = {};
    for (const e of entries) for (const [s, n] of Object.entries(e.statuses) as [RunStatus, number][]) statuses[s] = (statuses[s] ?? 0) + n;
    historical[day] = {
      runs: entries.reduce((n, e) => n + e.runs, 0),
      statuses,
      groups: entries.length,
      // A stable sort: among equals, the day's own order (latest run time, then label).
      top: [...entries].sort(failedFirst).slice(0, preview).map((e): GridRunGroup => {
        const byRef = e.scheduleId !== null && e.label !== e.scheduleId;
        return { ...(byRef ? { schedule: refOf(e.scheduleId!, e.label) } : { label: e.label }), runs: e.runs, statuses: e.statuses };
      }),
    };
  }
  return { window: core.window, schedules, historical, scheduled, missed, families: core.families, warnings: core.warnings };
}

/** One day of the calendar in seed 000's shape: every schedule once with its count, every group's runs. */
export interface CalendarDay {
  date: string;
  tz: string;
  scheduled: CalendarResponse['scheduled'][string];
  historical: CalendarResponse['historical'][string];
  missed: CalendarResponse['missed'][string];
  warnings: CalendarWarning[];
}

export function calendarDay(response: CalendarResponse, date: string): CalendarDay {
  return {
    date, tz: response.window.tz,
    scheduled: response.scheduled[date] ?? [], historical: response.historical[date] ?? [], missed: response.missed[date] ?? [],
    warnings: response.warnings,
  };
}
