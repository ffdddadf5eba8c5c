import type { ModelType } from '../schemas/common';
import type { RunStatus, TrainingRun } from '../schemas/training-run';
import { isoDay, isoInstant } from './iso-instant';

/**
 * The calendar's history as rollups: one document per UTC week holding, per schedule (or per family
 * for runs without one), how many runs ended in each quarter hour, by outcome. A calendar read then
 * costs one document per week whatever the number of runs, and the counts can be placed on the local
 * days of any time zone, since every zone's offset is a whole number of quarter hours.
 */

const DAY_MS = 86_400_000;
export const QUARTER_MS = 15 * 60_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05 was a Monday. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

export const TERMINAL_STATUSES = ['completed', 'not_blessed', 'failed'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
const STATUS_KEY: Record<TerminalStatus, string> = { completed: 'c', not_blessed: 'n', failed: 'f' };
const STATUS_BY_KEY: Record<string, TerminalStatus> = { c: 'completed', n: 'not_blessed', f: 'failed' };

export function isTerminal(status: RunStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** Whom the runs of a group belong to: a schedule, or a family (runs started by hand). */
export interface RollupGroup {
  scheduleId: string | null;
  familyId: string;
  type: ModelType;
}

/** The most recent run of a group on one UTC day, as a sample for the grid's popover. */
export interface LatestRun {
  runId: string;
  name: string;
  status: RunStatus;
  versionId: string | null;
  at: string;
}

/**
 * `calendarWeeks/{Monday, UTC}`. Map keys: a group is `s:<scheduleId>` or `f:<familyId>`; a quarter
 * is `q<n>` (n quarter hours after the week's start) with the outcome's letter (c, n, f) in `placed`;
 * a day is `d<0-6>` in `latest`.
 */
export interface CalendarRollup {
  weekStart: string;
  groups: Record<string, RollupGroup>;
  /** Runs placed (completedAt ?? startedAt ?? scheduledFor) in each quarter, by outcome. */
  placed: Record<string, Record<string, number>>;
  /** Runs of each schedule by the quarter they were due in (scheduledFor ?? startedAt): they cover slots. */
  due: Record<string, Record<string, number>>;
  latest: Record<string, Record<string, LatestRun>>;
}

export function weekStartOf(epochMs: number): number {
  return Math.floor((epochMs - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS + FIRST_MONDAY_MS;
}

export function weekIdOf(epochMs: number): string {
  return isoDay(Math.floor(weekStartOf(epochMs) / DAY_MS));
}

/** The ids of the weeks that overlap [from, to). */
export function weekIdsBetween(from: number, to: number): string[] {
  const ids: string[] = [];
  for (let start = weekStartOf(from); start < to; start += WEEK_MS) ids.push(isoDay(Math.floor(start / DAY_MS)));
  return ids;
}

export function groupKeyOf(run: Pick<TrainingRun, 'scheduleId' | 'familyId'>): string {
  return run.scheduleId ? `s:${run.scheduleId}` : `f:${run.familyId}`;
}

/** Where a run sits on the calendar: when it finished, else when it started, else when it was due. */
export function placedAt(run: Pick<TrainingRun, 'completedAt' | 'startedAt' | 'scheduledFor'>): string | null {
  return run.completedAt ?? run.startedAt ?? run.scheduledFor;
}

/** When a run was due, for matching it to a schedule's slot. */
export function dueAt(run: Pick<TrainingRun, 'scheduledFor' | 'startedAt'>): string | null {
  return run.scheduledFor ?? run.startedAt;
}

const quarterIn = (weekStart: number, epochMs: number) => Math.floor((epochMs - weekStart) / QUARTER_MS);

function emptyRollup(weekId: string): CalendarRollup {
  return { weekStart: weekId, groups: {}, placed: {}, due: {}, latest: {} };
}

/**
 * What one ended run adds to the weeks it touches (its placement and its due time may fall in
 * different weeks): counts of 1, applied as increments, and the run as its day's latest sample.
 */
export function rollupDelta(run: TrainingRun): Map<string, CalendarRollup> {
  const out = new Map<string, CalendarRollup>();
  if (!isTerminal(run.status)) return out;
  const week = (epochMs: number) => {
    const id = weekIdOf(epochMs);
    let doc = out.get(id);
    if (!doc) out.set(id, (doc = emptyRollup(id)));
    return { doc, start: weekStartOf(epochMs) };
  };
  const key = groupKeyOf(run);
  const group: RollupGroup = { scheduleId: run.scheduleId, familyId: run.familyId, type: run.modelType };
  const placed = placedAt(run);
  if (placed) {
    const t = Date.parse(placed);
    const { doc, start } = week(t);
    doc.groups[key] = group;
    doc.placed[key] = { [`q${quarterIn(start, t)}${STATUS_KEY[run.status]}`]: 1 };
    doc.latest[key] = {
      [`d${Math.floor((t - start) / DAY_MS)}`]: { runId: run.id, name: run.name, status: run.status, versionId: run.versionId, at: isoInstant(t) },
    };
  }
  const due = dueAt(run);
  if (run.scheduleId && due) {
    const t = Date.parse(due);
    const { doc, start } = week(t);
    doc.groups[key] = group;
    doc.due[run.scheduleId] = { [`q${quarterIn(start, t)}`]: 1 };
  }
  return out;
}

function addCounts(into: Record<string, Record<string, number>>, from: Record<string, Record<string, number>>): void {
  for (const [key, counts] of Object.entries(from)) {
    const target = (into[key] ??= {});
    for (const [k, n] of Object.entries(counts)) target[k] = (target[k] ?? 0) + n;
  }
}

/** The rollups of a whole history: what the backfill writes, and what live increments add up to. */
export function buildRollups(runs: Iterable<TrainingRun>): Map<string, CalendarRollup> {
  const weeks = new Map<string, CalendarRollup>();
  for (const run of runs) {
    for (const [id, delta] of rollupDelta(run)) {
      let doc = weeks.get(id);
      if (!doc) weeks.set(id, (doc = emptyRollup(id)));
      Object.assign(doc.groups, delta.groups);
      addCounts(doc.placed, delta.placed);
      addCounts(doc.due, delta.due);
      for (const [key, days] of Object.entries(delta.latest)) {
        const target = (doc.latest[key] ??= {});
        for (const [day, sample] of Object.entries(days)) if (!target[day] || target[day]!.at <= sample.at) target[day] = sample;
      }
    }
  }
  return weeks;
}

/** Runs of one group with one outcome at one instant: the unit the calendar counts. */
export interface PlacedRuns {
  groupKey: string;
  group: RollupGroup;
  at: number;
  status: RunStatus;
  count: number;
}

/** The history the calendar is built from, whether read from rollups or from run documents. */
export interface RunHistory {
  placed: PlacedRuns[];
  /** Due instants of each schedule's runs, one entry per run. */
  due: Map<string, number[]>;
  latest: (LatestRun & { groupKey: string })[];
}

/** A history from run documents, exact to the millisecond: in-flight runs, and tests. */
export function historyFromRuns(runs: TrainingRun[]): RunHistory {
  const history: RunHistory = { placed: [], due: new Map(), latest: [] };
  for (const run of runs) {
    const key = groupKeyOf(run);
    const placed = placedAt(run);
    if (placed) {
      const at = Date.parse(placed);
      history.placed.push({ groupKey: key, group: { scheduleId: run.scheduleId, familyId: run.familyId, type: run.modelType }, at, status: run.status, count: 1 });
      history.latest.push({ groupKey: key, runId: run.id, name: run.name, status: run.status, versionId: run.versionId, at: isoInstant(at) });
    }
    const due = dueAt(run);
    if (run.scheduleId && due) {
      const times = history.due.get(run.scheduleId) ?? [];
      times.push(Date.parse(due));
      history.due.set(run.scheduleId, times);
    }
  }
  return history;
}

/**
 * A history from rollups. A quarter's runs are placed at its start and due at its middle: a slot is
 * then matched within the miss tolerance give or take half a quarter hour.
 */
export function historyFromRollups(rollups: CalendarRollup[]): RunHistory {
  const history: RunHistory = { placed: [], due: new Map(), latest: [] };
  for (const doc of rollups) {
    const start = Date.parse(`${doc.weekStart}T00:00:00Z`);
    for (const [key, counts] of Object.entries(doc.placed ?? {})) {
      const group = doc.groups?.[key];
      if (!group) continue;
      for (const [cell, count] of Object.entries(counts)) {
        const match = /^q(\d+)([cnf])$/.exec(cell);
        if (!match || !(count > 0)) continue;
        history.placed.push({ groupKey: key, group, at: start + Number(match[1]) * QUARTER_MS, status: STATUS_BY_KEY[match[2]!]!, count });
      }
    }
    for (const [scheduleId, counts] of Object.entries(doc.due ?? {})) {
      const times = history.due.get(scheduleId) ?? [];
      for (const [cell, count] of Object.entries(counts)) {
        const match = /^q(\d+)$/.exec(cell);
        if (!match) continue;
        const t = start + Number(match[1]) * QUARTER_MS + QUARTER_MS / 2;
        for (let i = 0; i < count; i++) times.push(t);
      }
      history.due.set(scheduleId, times);
    }
    for (const [key, days] of Object.entries(doc.latest ?? {})) {
      for (const sample of Object.values(days)) history.latest.push({ groupKey: key, ...sample });
    }
  }
  return history;
}

/** Two histories as one: rollups of ended runs, and the runs still in flight. */
export function mergeHistories(a: RunHistory, b: RunHistory): RunHistory {
  const due = new Map(a.due);
  for (const [id, times] of b.due) due.set(id, [...(due.get(id) ?? []), ...times]);
  return { placed: [...a.placed, ...b.placed], due, latest: [...a.latest, ...b.latest] };
}
