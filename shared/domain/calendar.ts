import { DateTime } from 'luxon';
import { ValidationError } from '../errors';
import type { ModelType } from '../schemas/common';
import type { Schedule } from '../schemas/schedule';
import type { RunStatus } from '../schemas/training-run';
import type { RunHistory } from './calendar-rollups';
import { describeSchedule, MAX_FIRE_TIMES, projectFireInstants, validateScheduleTiming, type ScheduleTiming } from './schedule-projection';
import { boundedMemo } from './bounded-memo';
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
  // Consecutive calendar dates whatever the zone's offsets: counted in UTC, where days are cheap.
  const { year, month, day } = start;
  const days = Array.from({ length: dayCount }, (_, i) => new Date(Date.UTC(year, month - 1, day + i)).toISOString().slice(0, 10));
  return {
    start: start.toJSDate(),
    end: start.plus({ days: dayCount }).toJSDate(),
    tz, weeksPast, weeksFuture,
    today: local.toISODate()!,
    days,
  };
}

/** The window of one local date (the day endpoint's), `today` from `now`. */
export function dayWindow(now: Date, tz: string, date: string): CalendarWindow {
  const start = DateTime.fromISO(date, { zone: tz });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !start.isValid) throw new ValidationError([{ path: 'params.date', message: 'is not a calendar date (YYYY-MM-DD)' }]);
  return {
    start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate(), tz, weeksPast: 0, weeksFuture: 0,
    today: DateTime.fromJSDate(now, { zone: tz }).toISODate()!, days: [start.toISODate()!],
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


/** A schedule on one day, once however often it fires that day. */
export interface ScheduledSlot {
  scheduleId: string;
  name: string;
  type: ModelType;
  scheduleType: Schedule['type'];
  description: string;
  /** Its first fire of the day. */
  fireTime: string;
  familyId: string;
  /** How many times it fires that day. */
  fires: number;
}

/**
 * The runs of one schedule (or, for runs started by hand, one family) on one day. The seed's fields
 * (`runId`, `name`, `status`) are those of its latest run that day, when the rollups kept it.
 */
export interface HistoricalRun {
  runId: string | null;
  name: string;
  status: RunStatus;
  type: ModelType;
  familyId: string;
  versionId: string | null;
  scheduleId: string | null;
  /** The instant its latest run is placed by (completedAt ?? startedAt ?? scheduledFor). */
  at: string;
  /** The schedule's name, or the family's id for runs without a schedule. */
  label: string;
  /** How many runs, and how many of them by status. */
  runs: number;
  statuses: Partial<Record<RunStatus, number>>;
}

/** A schedule's slots on one day that no run covered. */
export interface MissedSlot {
  scheduleId: string;
  name: string;
  familyId: string;
  /** The first missed slot of the day. */
  fireTime: string;
  slots: number;
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

/**
 * The calendar before its planned and missed slots become entries: per day each schedule's slot
 * ref, by index into `schedules`. The grid reads its counts and first few names straight from it;
 * building the seed's entry per schedule per day (some 90,000 for 500 schedules over 40 weeks) is
 * left to the reads that send them.
 */
export interface CalendarCore extends Omit<CalendarResponse, 'scheduled' | 'missed'> {
  schedules: Schedule[];
  scheduled: Record<string, SlotRef[]>;
  missed: Record<string, SlotRef[]>;
}

export interface CalendarInput {
  window: CalendarWindow;
  now: Date;
  schedules: Schedule[];
  /** Runs around the window; those placed outside it are used only to match slots. */
  history: RunHistory;
  /** Registration time of each family's latest blessed version (absent or null: never blessed). */
  lastBlessedAt: Record<string, string | null>;
  warnings?: CalendarWarning[];
  fireTimeLimit?: number;
}

function inWindow(window: CalendarWindow, epochMs: number): boolean {
  return epochMs >= window.start.getTime() && epochMs < window.end.getTime();
}

/** Families the calendar mentions: those of the schedules and of the runs placed in the window. */
export function calendarFamilyIds(window: CalendarWindow, schedules: Schedule[], history: RunHistory): string[] {
  const ids = new Set(schedules.map((s) => s.familyId));
  for (const runs of history.placed) if (inWindow(window, runs.at)) ids.add(runs.group.familyId);
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

/** A schedule's slots on one date before they become entries: its index among the input's schedules, its first slot that day and how many. */
export type SlotRef = [schedule: number, first: number, count: number];

/** Each local date's refs, dates in the order they were first added in. */
type RefsByDay = Map<string, SlotRef[]>;

/**
 * Adds one schedule's slots, ascending in time, as one ref per local date: a schedule firing every
 * minute is one entry a day, not 1,440. Ascending instants have non-decreasing dates, so a date's
 * slots are consecutive.
 */
function addSlots(byDay: RefsByDay, schedule: number, { instants, from, to }: FireRange, days: string[]): void {
  for (let i = from; i < to;) {
    const day = days[i]!;
    let end = i + 1;
    while (end < to && days[end] === day) end++;
    let refs = byDay.get(day);
    if (!refs) byDay.set(day, (refs = []));
    refs.push([schedule, instants[i]!, end - i]);
    i = end;
  }
}

/** Each date's refs by first slot's time, then schedule name in locale order, then schedule order. */
function sortedRefs(byDay: RefsByDay, nameRanks: number[]): Record<string, SlotRef[]> {
  const out: Record<string, SlotRef[]> = {};
  for (const [day, refs] of byDay) out[day] = refs.sort((a, b) => a[1] - b[1] || nameRanks[a[0]]! - nameRanks[b[0]]! || a[0] - b[0]);
  return out;
}

function mapDays<A, B>(byDay: Record<string, A[]>, make: (a: A) => B): Record<string, B[]> {
  const out: Record<string, B[]> = {};
  for (const [day, items] of Object.entries(byDay)) out[day] = items.map(make);
  return out;
}

function push<T>(byDay: Record<string, T[]>, day: string, item: T): void {
  (byDay[day] ??= []).push(item);
}

/**
 * Slots with no run of their schedule: each run (by scheduledFor, else startedAt) covers at most
 * one slot within the tolerance, matched in time order, so ten runs cannot excuse eleven slots.
 */
function unmatchedSlots(slots: FireRange, runTimes: number[], tolerance: number): number[] {
  const times = [...runTimes].sort((a, b) => a - b);
  const missed: number[] = [];
  let next = 0;
  for (let i = slots.from; i < slots.to; i++) {
    const t = slots.instants[i]!;
    while (next < times.length && times[next]! < t - tolerance) next++;
    if (next < times.length && times[next]! <= t + tolerance) next++;
    else missed.push(t);
  }
  return missed;
}

/**
 * The history as one entry per group (schedule, or family for runs without one) and local day, with
 * its run count, counts by status, and its latest run when a sample of that day was kept.
 */
function historicalByDay(window: CalendarWindow, history: RunHistory, scheduleNames: Map<string, string>): CalendarResponse['historical'] {
  const entries = new Map<string, HistoricalRun>();
  // Until a sample names its latest run, an entry is placed by its latest count: kept as a number, made ISO once.
  const latestCount = new Map<HistoricalRun, number>();
  for (const runs of history.placed) {
    if (!inWindow(window, runs.at)) continue;
    const id = `${fastLocalDate(runs.at, window.tz)}\n${runs.groupKey}`;
    let entry = entries.get(id);
    if (!entry) {
      const { scheduleId, familyId, type } = runs.group;
      const label = (scheduleId && scheduleNames.get(scheduleId)) || (scheduleId ?? familyId);
      entry = { runId: null, name: label, status: runs.status, type, familyId, versionId: null, scheduleId, at: '', label, runs: 0, statuses: {} };
      entries.set(id, entry);
    }
    entry.runs += runs.count;
    entry.statuses[runs.status] = (entry.statuses[runs.status] ?? 0) + runs.count;
    const latest = latestCount.get(entry);
    if (latest === undefined || runs.at > latest) latestCount.set(entry, runs.at);
  }
  for (const [entry, at] of latestCount) entry.at = isoInstant(at);
  // The latest sample of each entry's day gives it the seed's run fields.
  for (const sample of history.latest) {
    const t = Date.parse(sample.at);
    if (!inWindow(window, t)) continue;
    const entry = entries.get(`${fastLocalDate(t, window.tz)}\n${sample.groupKey}`);
    if (!entry || (entry.runId !== null && entry.at >= sample.at)) continue;
    Object.assign(entry, { runId: sample.runId, name: sample.name, status: sample.status, versionId: sample.versionId, at: sample.at });
  }
  const out: CalendarResponse['historical'] = {};
  for (const [id, entry] of entries) push(out, id.slice(0, id.indexOf('\n')), entry);
  // By latest time, then label in locale order. Instants are ISO strings of one length, which
  // compare by code unit as they would by locale.
  for (const day of Object.values(out)) day.sort((a, b) => byCodeUnit(a.at, b.at) || byLocale(a.label, b.label));
  return out;
}

function localDates(instants: number[], tz: string): string[] {
  return instants.map((t) => fastLocalDate(t, tz));
}

/** Schedules that fire at most this often over a window have their fires kept across requests. */
const KEPT_FIRES = 1_000;

/**
 * A schedule's fires over a whole window and their local dates. They depend on its timing, the
 * window and the zone, not on now, and a window stays the same all week: kept across requests
 * (at most one window's worth of the calendar's schedules), each request only splits them at now.
 * Null for a schedule firing more than KEPT_FIRES times: it is projected per request, before and
 * after now, each part up to the fire limit.
 */
const keptFires = boundedMemo((key: string): { instants: number[]; days: string[] } | null => {
  const [timing, from, to, tz, limit] = JSON.parse(key) as [ScheduleTiming, number, number, string, number];
  const { instants, truncated } = projectFireInstants(timing, from, to, Math.min(limit, KEPT_FIRES));
  return truncated ? null : { instants, days: localDates(instants, tz) };
}, 1_000);

function wholeWindowFires(schedule: Schedule, window: CalendarWindow, limit: number) {
  // A single day (the popover's) is cheap to project, and keeping it would crowd out the grid's weeks.
  if (window.days.length === 1) return null;
  const { type, runAt, time, dayOfWeek, cron, timeZone, state, createdAt } = schedule;
  const timing: ScheduleTiming = { type, runAt, time, dayOfWeek, cron, timeZone, state, createdAt };
  return keptFires(JSON.stringify([timing, window.start.getTime(), window.end.getTime(), window.tz, limit]));
}

/** The index of the first instant at or after `t` in an ascending list. */
function firstAtOrAfter(instants: number[], t: number): number {
  let lo = 0;
  let hi = instants.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (instants[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Part of a list of ascending instants: [from, to). */
interface FireRange {
  instants: number[];
  from: number;
  to: number;
}

const wholeList = (instants: number[]): FireRange => ({ instants, from: 0, to: instants.length });

/**
 * A schedule's fires from `futureFrom` to the window's end, with their local dates, and the
 * window's fires before `pastTo`; each part up to `limit`, `truncated` when one was cut. Kept
 * fires are referred to by range, not copied.
 */
function firesAroundNow(schedule: Schedule, window: CalendarWindow, futureFrom: number, pastTo: number, limit: number) {
  const windowStart = window.start.getTime();
  const whole = wholeWindowFires(schedule, window, limit);
  if (whole) {
    const { instants, days } = whole;
    const future = { instants, from: firstAtOrAfter(instants, futureFrom), to: instants.length };
    const past = { instants, from: 0, to: pastTo > windowStart ? firstAtOrAfter(instants, pastTo) : 0 };
    return { future, futureDays: days, past, truncated: false };
  }
  const future = projectFireInstants(schedule, futureFrom, window.end.getTime(), limit);
  const past = pastTo > windowStart ? projectFireInstants(schedule, windowStart, pastTo, limit) : null;
  return {
    future: wholeList(future.instants), futureDays: localDates(future.instants, window.tz), past: wholeList(past?.instants ?? []),
    truncated: future.truncated || Boolean(past?.truncated),
  };
}

export function calendarCore(input: CalendarInput): CalendarCore {
  const { window, now, schedules, history } = input;
  const warnings = [...(input.warnings ?? [])];
  const scheduledSlots: RefsByDay = new Map();
  const missedSlots: RefsByDay = new Map();

  const windowStart = window.start.getTime();
  const windowEnd = window.end.getTime();
  const futureFrom = Math.max(now.getTime(), windowStart);
  // A slot younger than the tolerance may still get its run: not missed yet.
  const pastTo = Math.min(now.getTime() - MISS_TOLERANCE_MS, windowEnd);
  const fires: { index: number; future: FireRange; futureDays: string[]; missed: number[] }[] = [];
  for (const [index, schedule] of schedules.entries()) {
    const issues = validateScheduleTiming(schedule);
    if (issues.length > 0) {
      const problems = issues.map((i) => `${i.path} ${i.message}`).join('; ');
      warnings.push({ code: 'SCHEDULE_INVALID', scheduleId: schedule.id, message: `Schedule '${schedule.name}' cannot fire: ${problems}` });
      continue;
    }
    const limit = input.fireTimeLimit ?? MAX_FIRE_TIMES;
    const { future, futureDays, past, truncated } = firesAroundNow(schedule, window, futureFrom, pastTo, limit);
    if (truncated) {
      warnings.push({
        code: 'SCHEDULE_TRUNCATED', scheduleId: schedule.id,
        message: `Schedule '${schedule.name}' fires too often to show every slot; only the first ${limit} before and after now are shown`,
      });
    }
    const missed = unmatchedSlots(past, history.due.get(schedule.id) ?? [], MISS_TOLERANCE_MS);
    fires.push({ index, future, futureDays, missed });
  }
  // Added by the time of day of each schedule's first slot: most schedules keep their time from
  // day to day, so each day's refs arrive nearly in order and sorting them is close to one pass.
  const timeOfDay = (f: (typeof fires)[number]) => ((f.future.instants[f.future.from] ?? f.missed[0] ?? 0) % DAY_MS);
  fires.sort((a, b) => timeOfDay(a) - timeOfDay(b));
  for (const { index, future, futureDays, missed } of fires) {
    addSlots(scheduledSlots, index, future, futureDays);
    addSlots(missedSlots, index, wholeList(missed), localDates(missed, window.tz));
  }
  const nameRanks = localeRanks(schedules.map((s) => s.name));
  const scheduled = sortedRefs(scheduledSlots, nameRanks);
  const missed = sortedRefs(missedSlots, nameRanks);
  const historical = historicalByDay(window, history, new Map(schedules.map((s) => [s.id, s.name])));

  const families = calendarFamilyIds(window, schedules, history).map((familyId): FamilyFreshness => {
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
    schedules, scheduled, historical, missed, families, warnings,
  };
}

/** The calendar in seed 000's shape: every planned and missed slot ref as its entry. */
export function expandCalendarCore(core: CalendarCore): CalendarResponse {
  const { schedules } = core;
  const descriptions = schedules.map((s) => describeSchedule(s));
  const scheduled = mapDays(core.scheduled, ([index, fire, fires]): ScheduledSlot => {
    const schedule = schedules[index]!;
    return {
      scheduleId: schedule.id, name: schedule.name, type: schedule.modelType, scheduleType: schedule.type,
      description: descriptions[index]!, fireTime: isoInstant(fire), familyId: schedule.familyId, fires,
    };
  });
  const missed = mapDays(core.missed, ([index, slot, slots]): MissedSlot => {
    const schedule = schedules[index]!;
    return { scheduleId: schedule.id, name: schedule.name, familyId: schedule.familyId, fireTime: isoInstant(slot), slots };
  });
  return { window: core.window, scheduled, historical: core.historical, missed, families: core.families, warnings: core.warnings };
}

export function buildCalendar(input: CalendarInput): CalendarResponse {
  return expandCalendarCore(calendarCore(input));
}
