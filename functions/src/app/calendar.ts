import type { Clock } from '../../../shared/ports';
import type { Schedule } from '../../../shared/schemas/schedule';
import type { TrainingRun } from '../../../shared/schemas/training-run';
import {
  buildCalendar, calendarFamilyIds, calendarWindow, type CalendarResponse, type CalendarWarning,
} from '../../../shared/domain/calendar';

/** Bounds that keep one calendar read to a known number of document reads. */
export const CALENDAR_LIMITS = {
  schedules: 1_000,
  /** Per run query (by start and by due time). */
  runs: 5_000,
  /** Families whose last blessing is looked up (one read each). */
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
  /** Runs that started, or were due, in [from, to); at most `limit` per criterion. */
  runsBetween(from: Date, to: Date, limit: number): Promise<Bounded<TrainingRun>>;
  /** Registration time of each family's latest blessed version, null when it has none. */
  lastBlessedAt(familyIds: string[]): Promise<Record<string, string | null>>;
}

export interface CalendarQuery {
  tz: string;
  weeksPast: number;
  weeksFuture: number;
}

/** The training calendar use case: history, planned slots, missed slots and family freshness. */
export class CalendarReader {
  constructor(
    private readonly schedules: ScheduleReader,
    private readonly runs: CalendarRunReader,
    private readonly clock: Clock,
  ) {}

  async read({ tz, weeksPast, weeksFuture }: CalendarQuery): Promise<CalendarResponse> {
    const now = this.clock.now();
    const window = calendarWindow(now, tz, weeksPast, weeksFuture);
    const [schedules, runs] = await Promise.all([
      this.schedules.listActive(CALENDAR_LIMITS.schedules),
      this.runs.runsBetween(new Date(window.start.getTime() - RUN_LOOKBACK_MS), window.end, CALENDAR_LIMITS.runs),
    ]);
    const warnings: CalendarWarning[] = [];
    if (schedules.truncated) {
      warnings.push({ code: 'SCHEDULES_TRUNCATED', message: `Only the first ${CALENDAR_LIMITS.schedules} active schedules are shown` });
    }
    if (runs.truncated) {
      warnings.push({ code: 'RUNS_TRUNCATED', message: `More than ${CALENDAR_LIMITS.runs} runs fall in the window; some are not shown` });
    }
    const familyIds = calendarFamilyIds(window, schedules.items, runs.items);
    if (familyIds.length > CALENDAR_LIMITS.families) {
      warnings.push({ code: 'FAMILIES_TRUNCATED', message: `Last blessing is looked up for the first ${CALENDAR_LIMITS.families} of ${familyIds.length} families only` });
    }
    const lastBlessedAt = await this.runs.lastBlessedAt(familyIds.slice(0, CALENDAR_LIMITS.families));
    return buildCalendar({ window, now, schedules: schedules.items, runs: runs.items, lastBlessedAt, warnings });
  }
}
