import type { Clock } from '../../../shared/ports';
import type { Schedule } from '../../../shared/schemas/schedule';
import type { RunHistory } from '../../../shared/domain/calendar-rollups';
import {
  calendarCore, calendarFamilyIds, calendarWindow, dayWindow, expandCalendarCore, type CalendarCore, type CalendarWarning, type CalendarWindow,
} from '../../../shared/domain/calendar';
import { calendarDay, type CalendarDay } from '../../../shared/domain/calendar-grid';

/** Bounds that keep one calendar read to a known number of document reads. */
export const CALENDAR_LIMITS = {
  schedules: 1_000,
  /** Runs still in flight (scheduled or running), listed one by one beside the rollups of ended ones. */
  inFlightRuns: 2_000,
  /** Families listed with their last blessing (all of them come from the counter shards in one read; this bounds the list). */
  families: 200,
} as const;

/**
 * Runs that started up to this long before the window may still complete inside it, and runs due
 * just before it may be the ones that cover its first slots.
 */
export const RUN_LOOKBACK_MS = 2 * 86_400_000;

export interface Bounded<T> {
  items: T[];
  /** True when more matched than the limit allowed. */
  truncated: boolean;
}

export interface ScheduleReader {
  /** Active schedules, at most `limit`. */
  listActive(limit: number): Promise<Bounded<Schedule>>;
}

export interface CalendarRunReader {
  /**
   * The history of [from, to): rollups of the runs that ended, one document per week whatever
   * their number, plus the runs still in flight (at most `inFlightLimit`). No run has ended after
   * `endedBy` (now, with room for clocks a little ahead), so rollups past it are not read.
   */
  historyBetween(from: Date, to: Date, inFlightLimit: number, endedBy: Date): Promise<{ history: RunHistory; truncated: boolean }>;
  /**
   * Registration time of each family's latest blessed version (families never blessed are
   * absent). It needs no family ids, so it is read beside the rest rather than after it.
   */
  lastBlessings(): Promise<Record<string, string>>;
}

export interface CalendarQuery {
  tz: string;
  weeksPast: number;
  weeksFuture: number;
}

/** Clocks of the machines that record outcomes may run a little ahead of this one's. */
const CLOCK_SKEW_MS = 86_400_000;

/** The training calendar use case: history, planned slots, missed slots and family freshness. */
export class CalendarReader {
  constructor(
    private readonly schedules: ScheduleReader,
    private readonly runs: CalendarRunReader,
    private readonly clock: Clock,
  ) {}

  /** The window's calendar as slot refs: the grid counts them, `expandCalendarCore` gives seed 000's entries. */
  async read({ tz, weeksPast, weeksFuture }: CalendarQuery): Promise<CalendarCore> {
    const now = this.clock.now();
    return this.build(calendarWindow(now, tz, weeksPast, weeksFuture), now, true);
  }

  /** One local date's entries (what the grid's popover shows); no family freshness. */
  async readDay({ tz, date }: { tz: string; date: string }): Promise<CalendarDay> {
    const now = this.clock.now();
    return calendarDay(expandCalendarCore(await this.build(dayWindow(now, tz, date), now, false)), date);
  }

  private async build(window: CalendarWindow, now: Date, withFamilies: boolean): Promise<CalendarCore> {
    const [schedules, runs, blessings] = await Promise.all([
      this.schedules.listActive(CALENDAR_LIMITS.schedules),
      this.runs.historyBetween(new Date(window.start.getTime() - RUN_LOOKBACK_MS), window.end, CALENDAR_LIMITS.inFlightRuns, new Date(now.getTime() + CLOCK_SKEW_MS)),
      withFamilies ? this.runs.lastBlessings() : Promise.resolve({} as Record<string, string>),
    ]);
    const warnings: CalendarWarning[] = [];
    if (schedules.truncated) {
      warnings.push({ code: 'SCHEDULES_TRUNCATED', message: `Only the first ${CALENDAR_LIMITS.schedules} active schedules are shown` });
    }
    if (runs.truncated) {
      warnings.push({ code: 'RUNS_TRUNCATED', message: `More than ${CALENDAR_LIMITS.inFlightRuns} runs are in flight; some are not shown` });
    }
    let lastBlessedAt: Record<string, string | null> = {};
    if (withFamilies) {
      const familyIds = calendarFamilyIds(window, schedules.items, runs.history);
      if (familyIds.length > CALENDAR_LIMITS.families) {
        warnings.push({ code: 'FAMILIES_TRUNCATED', message: `Last blessing is looked up for the first ${CALENDAR_LIMITS.families} of ${familyIds.length} families only` });
      }
      lastBlessedAt = Object.fromEntries(familyIds.slice(0, CALENDAR_LIMITS.families).map((id) => [id, blessings[id] ?? null]));
    }
    return calendarCore({ window, now, schedules: schedules.items, history: runs.history, lastBlessedAt, warnings });
  }
}
