import { DateTime } from 'luxon';
import { ValidationError } from '../errors';
import type { ModelType } from '../schemas/common';
import type { Schedule } from '../schemas/schedule';
import type { RunStatus, TrainingRun } from '../schemas/training-run';
import { describeSchedule, MAX_FIRE_TIMES, projectFireInstants, validateScheduleTiming } from './schedule-projection';
import { isoDay, isoInstant } from './iso-instant';
import { zoneOffsetAt } from './zone-offsets';

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

/** `localDate` for the many instants of a calendar: offsets and day names come from tables, not luxon per instant. */
function fastLocalDate(epochMs: number, tz: string): string {
  return isoDay(Math.floor((epochMs + zoneOffsetAt(tz, epochMs) * 60_000) / DAY_MS));
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

function inWindow(window: CalendarWindow, epochMs: number): boolean {
  return epochMs >= window.start.getTime() && epochMs < window.end.getTime();
}

/** Families the calendar mentions: those of the schedules and of the runs placed in the window. */
export function calendarFamilyIds(window: CalendarWindow, schedules: Schedule[], runs: TrainingRun[]): string[] {
  const ids = new Set(schedules.map((s) => s.familyId));
  for (const run of runs) {
    const at = runCalendarInstant(run);
    if (at && inWindow(window, Date.parse(at))) ids.add(run.familyId);
  }
  return [...ids].sort();
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** String#localeCompare without a locale, with its collator built once rather than per comparison. */
const byLocale = new Intl.Collator().compare;

/** Each name's place in locale order; names that compare equal share one. */
function localeRanks(names: string[]): number[] {
  const order = names.map((_, i) => i).sort((a, b) => byLocale(names[a]!, names[b]!));
  const ranks = new Array<number>(names.length);
  let rank = 0;
  order.forEach((index, position) => {
    if (position > 0 && byLocale(names[order[position - 1]!]!, names[index]!) !== 0) rank = position;
    ranks[index] = rank;
  });
  return ranks;
}

/** Slots grouped by local date before they become objects: each one's instant and schedule index. Dates keep the order they were first added in. */
type SlotsByDay = Map<string, { instants: number[]; schedules: number[] }>;

function addSlot(byDay: SlotsByDay, day: string, instant: number, schedule: number): void {
  let slots = byDay.get(day);
  if (!slots) byDay.set(day, (slots = { instants: [], schedules: [] }));
  slots.instants.push(instant);
  slots.schedules.push(schedule);
}

/**
 * Each date's slots as objects, by time, then schedule name in locale order, then as added.
 * Sorting numbers before the objects exist keeps ordering tens of thousands of slots cheap.
 */
function slotObjects<T>(byDay: SlotsByDay, nameRanks: number[], make: (instant: number, schedule: number) => T): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const [day, { instants, schedules }] of byDay) {
    const order = instants.map((_, i) => i);
    order.sort((a, b) => instants[a]! - instants[b]! || nameRanks[schedules[a]!]! - nameRanks[schedules[b]!]! || a - b);
    out[day] = order.map((i) => make(instants[i]!, schedules[i]!));
  }
  return out;
}

function push<T>(byDay: Record<string, T[]>, day: string, item: T): void {
  (byDay[day] ??= []).push(item);
}

/**
 * Slots with no run of their schedule: each run (by scheduledFor, else startedAt) covers at most
 * one slot within the tolerance, matched in time order, so ten runs cannot excuse eleven slots.
 */
function unmatchedSlots(slots: number[], runTimes: number[], tolerance: number): number[] {
  const times = [...runTimes].sort((a, b) => a - b);
  const missed: number[] = [];
  let next = 0;
  for (const t of slots) {
    while (next < times.length && times[next]! < t - tolerance) next++;
    if (next < times.length && times[next]! <= t + tolerance) next++;
    else missed.push(t);
  }
  return missed;
}

export function buildCalendar(input: CalendarInput): CalendarResponse {
  const { window, now, schedules, runs } = input;
  const warnings = [...(input.warnings ?? [])];
  const scheduledSlots: SlotsByDay = new Map();
  const missedSlots: SlotsByDay = new Map();
  const historical: CalendarResponse['historical'] = {};

  const runTimesBySchedule = new Map<string, number[]>();
  for (const run of runs) {
    const due = run.scheduledFor ?? run.startedAt;
    if (run.scheduleId && due) {
      const times = runTimesBySchedule.get(run.scheduleId) ?? [];
      times.push(Date.parse(due));
      runTimesBySchedule.set(run.scheduleId, times);
    }
  }

  const windowStart = window.start.getTime();
  const windowEnd = window.end.getTime();
  const futureFrom = Math.max(now.getTime(), windowStart);
  // A slot younger than the tolerance may still get its run: not missed yet.
  const pastTo = Math.min(now.getTime() - MISS_TOLERANCE_MS, windowEnd);
  for (const [index, schedule] of schedules.entries()) {
    const issues = validateScheduleTiming(schedule);
    if (issues.length > 0) {
      const problems = issues.map((i) => `${i.path} ${i.message}`).join('; ');
      warnings.push({ code: 'SCHEDULE_INVALID', scheduleId: schedule.id, message: `Schedule '${schedule.name}' cannot fire: ${problems}` });
      continue;
    }
    const future = projectFireInstants(schedule, futureFrom, windowEnd, input.fireTimeLimit);
    const past = pastTo > windowStart ? projectFireInstants(schedule, windowStart, pastTo, input.fireTimeLimit) : null;
    if (future.truncated || past?.truncated) {
      warnings.push({
        code: 'SCHEDULE_TRUNCATED', scheduleId: schedule.id,
        message: `Schedule '${schedule.name}' fires too often to show every slot; only the first ${input.fireTimeLimit ?? MAX_FIRE_TIMES} before and after now are shown`,
      });
    }
    for (const fire of future.instants) addSlot(scheduledSlots, fastLocalDate(fire, window.tz), fire, index);
    for (const slot of unmatchedSlots(past?.instants ?? [], runTimesBySchedule.get(schedule.id) ?? [], MISS_TOLERANCE_MS)) {
      addSlot(missedSlots, fastLocalDate(slot, window.tz), slot, index);
    }
  }
  const nameRanks = localeRanks(schedules.map((s) => s.name));
  const descriptions = schedules.map((s) => describeSchedule(s));
  const scheduled = slotObjects(scheduledSlots, nameRanks, (fire, index): ScheduledSlot => {
    const schedule = schedules[index]!;
    return {
      scheduleId: schedule.id, name: schedule.name, type: schedule.modelType, scheduleType: schedule.type,
      description: descriptions[index]!, fireTime: isoInstant(fire), familyId: schedule.familyId,
    };
  });
  const missed = slotObjects(missedSlots, nameRanks, (slot, index): MissedSlot => {
    const schedule = schedules[index]!;
    return { scheduleId: schedule.id, name: schedule.name, familyId: schedule.familyId, fireTime: isoInstant(slot) };
  });

  for (const run of runs) {
    const at = runCalendarInstant(run);
    const t = at ? Date.parse(at) : NaN;
    if (!inWindow(window, t)) continue;
    push(historical, fastLocalDate(t, window.tz), {
      runId: run.id, name: run.name, status: run.status, type: run.modelType, familyId: run.familyId,
      versionId: run.versionId, scheduleId: run.scheduleId, at: isoInstant(t),
    });
  }

  // By time, then id in locale order. Instants are ISO strings of one length, which compare by
  // code unit as they would by locale.
  for (const day of Object.values(historical)) day.sort((a, b) => byCodeUnit(a.at, b.at) || byLocale(a.runId, b.runId));

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
