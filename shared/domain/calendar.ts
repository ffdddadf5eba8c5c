import { DateTime } from 'luxon';
import { ValidationError } from '../errors';
import type { ModelType } from '../schemas/common';
import type { Schedule } from '../schemas/schedule';
import type { RunStatus, TrainingRun } from '../schemas/training-run';
import { describeSchedule, MAX_FIRE_TIMES, projectFireTimes, validateScheduleTiming } from './schedule-projection';

/**
 * The training calendar (seed 000, section 2): a GitHub-style grid of weeks, Monday first, in the
 * caller's time zone. Past days show runs that happened and slots that were missed; today onwards
 * shows when active schedules will fire.
 */

const DAY_MS = 86_400_000;
/** A run counts for a slot when it was scheduled for (or started) this close to it. */
export const MISS_TOLERANCE_MS = 30 * 60_000;

export interface CalendarWindow {
  /** Monday 00:00 local, `weeksPast` weeks before the current week. */
  start: Date;
  /** Exclusive: `weeksPast + weeksFuture` weeks after start; the current week is the first future week. */
  end: Date;
  tz: string;
  weeksPast: number;
  weeksFuture: number;
  /** Local date of `now`. */
  today: string;
  /** Every local date of the grid, column by column (7 per week). */
  days: string[];
}

export function calendarWindow(now: Date, tz: string, weeksPast: number, weeksFuture: number): CalendarWindow {
  const local = DateTime.fromJSDate(now, { zone: tz });
  if (!local.isValid) throw new ValidationError([{ path: 'tz', message: 'is not a known IANA time zone' }]);
  // Luxon's weeks are ISO weeks: they start on Monday whatever the locale.
  const start = local.startOf('week').minus({ weeks: weeksPast });
  const dayCount = 7 * (weeksPast + weeksFuture);
  const days = Array.from({ length: dayCount }, (_, i) => start.plus({ days: i }).toISODate()!);
  return {
    start: start.toJSDate(),
    end: start.plus({ days: dayCount }).toJSDate(),
    tz, weeksPast, weeksFuture,
    today: local.toISODate()!,
    days,
  };
}

/** The calendar day an instant falls on in a time zone, as YYYY-MM-DD. */
export function localDate(instant: Date | string, tz: string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return DateTime.fromJSDate(date, { zone: tz }).toISODate()!;
}

/** Where a run sits on the calendar: when it finished, else when it started, else when it was due. */
export function runCalendarInstant(run: Pick<TrainingRun, 'completedAt' | 'startedAt' | 'scheduledFor'>): string | null {
  return run.completedAt ?? run.startedAt ?? run.scheduledFor;
}

export interface ScheduledSlot {
  scheduleId: string;
  name: string;
  type: ModelType;
  scheduleType: Schedule['type'];
  description: string;
  fireTime: string;
  familyId: string;
}

export interface HistoricalRun {
  runId: string;
  name: string;
  status: RunStatus;
  type: ModelType;
  familyId: string;
  versionId: string | null;
  scheduleId: string | null;
  /** The instant the run is placed by (completedAt ?? startedAt ?? scheduledFor). */
  at: string;
}

export interface MissedSlot {
  scheduleId: string;
  name: string;
  familyId: string;
  fireTime: string;
}

export interface FamilyFreshness {
  familyId: string;
  lastBlessedAt: string | null;
  /** Whole 24-hour periods since the last blessed version was registered. */
  daysSinceLastBlessed: number | null;
}

export type CalendarWarningCode = 'SCHEDULE_INVALID' | 'SCHEDULE_TRUNCATED' | 'SCHEDULES_TRUNCATED' | 'RUNS_TRUNCATED' | 'FAMILIES_TRUNCATED';

/** Something the calendar could not show in full; the grid still renders. */
export interface CalendarWarning {
  code: CalendarWarningCode;
  message: string;
  scheduleId?: string;
}

export interface CalendarResponse {
  window: { start: string; end: string; tz: string; weeksPast: number; weeksFuture: number; today: string; days: string[] };
  scheduled: Record<string, ScheduledSlot[]>;
  historical: Record<string, HistoricalRun[]>;
  missed: Record<string, MissedSlot[]>;
  families: FamilyFreshness[];
  warnings: CalendarWarning[];
}

export interface CalendarInput {
  window: CalendarWindow;
  now: Date;
  schedules: Schedule[];
  /** Runs around the window; those placed outside it are used only to match slots. */
  runs: TrainingRun[];
  /** Registration time of each family's latest blessed version (absent or null: never blessed). */
  lastBlessedAt: Record<string, string | null>;
  warnings?: CalendarWarning[];
  fireTimeLimit?: number;
}

function inWindow(window: CalendarWindow, instant: string): boolean {
  const t = Date.parse(instant);
  return t >= window.start.getTime() && t < window.end.getTime();
}

/** Families the calendar mentions: those of the schedules and of the runs placed in the window. */
export function calendarFamilyIds(window: CalendarWindow, schedules: Schedule[], runs: TrainingRun[]): string[] {
  const ids = new Set(schedules.map((s) => s.familyId));
  for (const run of runs) {
    const at = runCalendarInstant(run);
    if (at && inWindow(window, at)) ids.add(run.familyId);
  }
  return [...ids].sort();
}

function push<T>(byDay: Record<string, T[]>, day: string, item: T): void {
  (byDay[day] ??= []).push(item);
}

/**
 * Slots with no run of their schedule: each run (by scheduledFor, else startedAt) covers at most
 * one slot within the tolerance, matched in time order, so ten runs cannot excuse eleven slots.
 */
function unmatchedSlots(slots: Date[], runTimes: number[], tolerance: number): Date[] {
  const times = [...runTimes].sort((a, b) => a - b);
  const missed: Date[] = [];
  let next = 0;
  for (const slot of slots) {
    const t = slot.getTime();
    while (next < times.length && times[next]! < t - tolerance) next++;
    if (next < times.length && times[next]! <= t + tolerance) next++;
    else missed.push(slot);
  }
  return missed;
}

export function buildCalendar(input: CalendarInput): CalendarResponse {
  const { window, now, schedules, runs } = input;
  const warnings = [...(input.warnings ?? [])];
  const scheduled: CalendarResponse['scheduled'] = {};
  const historical: CalendarResponse['historical'] = {};
  const missed: CalendarResponse['missed'] = {};

  const runTimesBySchedule = new Map<string, number[]>();
  for (const run of runs) {
    const due = run.scheduledFor ?? run.startedAt;
    if (run.scheduleId && due) {
      const times = runTimesBySchedule.get(run.scheduleId) ?? [];
      times.push(Date.parse(due));
      runTimesBySchedule.set(run.scheduleId, times);
    }
  }

  const futureFrom = new Date(Math.max(now.getTime(), window.start.getTime()));
  // A slot younger than the tolerance may still get its run: not missed yet.
  const pastTo = new Date(Math.min(now.getTime() - MISS_TOLERANCE_MS, window.end.getTime()));
  for (const schedule of schedules) {
    const issues = validateScheduleTiming(schedule);
    if (issues.length > 0) {
      const problems = issues.map((i) => `${i.path} ${i.message}`).join('; ');
      warnings.push({ code: 'SCHEDULE_INVALID', scheduleId: schedule.id, message: `Schedule '${schedule.name}' cannot fire: ${problems}` });
      continue;
    }
    const future = projectFireTimes(schedule, futureFrom, window.end, input.fireTimeLimit);
    const past = pastTo > window.start ? projectFireTimes(schedule, window.start, pastTo, input.fireTimeLimit) : null;
    if (future.truncated || past?.truncated) {
      warnings.push({
        code: 'SCHEDULE_TRUNCATED', scheduleId: schedule.id,
        message: `Schedule '${schedule.name}' fires too often to show every slot; only the first ${input.fireTimeLimit ?? MAX_FIRE_TIMES} before and after now are shown`,
      });
    }
    const description = describeSchedule(schedule);
    for (const fire of future.fireTimes) {
      push(scheduled, localDate(fire, window.tz), {
        scheduleId: schedule.id, name: schedule.name, type: schedule.modelType, scheduleType: schedule.type,
        description, fireTime: fire.toISOString(), familyId: schedule.familyId,
      });
    }
    for (const slot of unmatchedSlots(past?.fireTimes ?? [], runTimesBySchedule.get(schedule.id) ?? [], MISS_TOLERANCE_MS)) {
      push(missed, localDate(slot, window.tz), { scheduleId: schedule.id, name: schedule.name, familyId: schedule.familyId, fireTime: slot.toISOString() });
    }
  }

  for (const run of runs) {
    const at = runCalendarInstant(run);
    if (!at || !inWindow(window, at)) continue;
    push(historical, localDate(at, window.tz), {
      runId: run.id, name: run.name, status: run.status, type: run.modelType, familyId: run.familyId,
      versionId: run.versionId, scheduleId: run.scheduleId, at: new Date(at).toISOString(),
    });
  }

  for (const day of Object.values(scheduled)) day.sort((a, b) => a.fireTime.localeCompare(b.fireTime) || a.name.localeCompare(b.name));
  for (const day of Object.values(historical)) day.sort((a, b) => a.at.localeCompare(b.at) || a.runId.localeCompare(b.runId));
  for (const day of Object.values(missed)) day.sort((a, b) => a.fireTime.localeCompare(b.fireTime) || a.name.localeCompare(b.name));

  const families = calendarFamilyIds(window, schedules, runs).map((familyId): FamilyFreshness => {
    const lastBlessedAt = input.lastBlessedAt[familyId] ?? null;
    return {
      familyId,
      lastBlessedAt,
      daysSinceLastBlessed: lastBlessedAt === null ? null : Math.max(0, Math.floor((now.getTime() - Date.parse(lastBlessedAt)) / DAY_MS)),
    };
  });

  return {
    window: {
      start: window.start.toISOString(), end: window.end.toISOString(), tz: window.tz,
      weeksPast: window.weeksPast, weeksFuture: window.weeksFuture, today: window.today, days: window.days,
    },
    scheduled, historical, missed, families, warnings,
  };
}
