import type { CronExpression } from 'cron-parser';

/**
 * Cron fire times by plain arithmetic, for stretches of time where a zone keeps one UTC offset:
 * there every wall-clock minute exists exactly once, so a fire time is its local wall time minus
 * the offset. Matching follows cron-parser's rules, read from its parsed fields.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export interface CronCalendar {
  /** Ascending. */
  minutes: readonly number[];
  /** Ascending. */
  hours: readonly number[];
  months: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  /** Sunday = 0, as Date#getUTCDay. */
  daysOfWeek: ReadonlySet<number>;
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
}

/** The fields of a parsed expression, or null when it uses `L` or `#`, which this module does not read. */
export function cronCalendar({ fields }: CronExpression): CronCalendar | null {
  if (fields.dayOfMonth.hasLastChar || fields.dayOfWeek.hasLastChar || fields.dayOfWeek.nthDay > 0) return null;
  const numbers = (values: readonly (number | string)[]) => values.filter((v): v is number => typeof v === 'number');
  return {
    minutes: numbers(fields.minute.values).sort((a, b) => a - b),
    hours: numbers(fields.hour.values).sort((a, b) => a - b),
    months: new Set(numbers(fields.month.values)),
    daysOfMonth: new Set(numbers(fields.dayOfMonth.values)),
    daysOfWeek: new Set(numbers(fields.dayOfWeek.values)),
    dayOfMonthRestricted: !fields.dayOfMonth.isWildcard,
    dayOfWeekRestricted: !fields.dayOfWeek.isWildcard,
  };
}

/** cron-parser's day rule: when both day fields are restricted either may match, else the restricted one must. */
function firesOnDay(cron: CronCalendar, day: Date): boolean {
  if (!cron.months.has(day.getUTCMonth() + 1)) return false;
  const dayOfMonth = cron.daysOfMonth.has(day.getUTCDate());
  const dayOfWeek = cron.daysOfWeek.has(day.getUTCDay());
  if (cron.dayOfMonthRestricted && cron.dayOfWeekRestricted) return dayOfMonth || dayOfWeek;
  if (!cron.dayOfWeekRestricted) return dayOfMonth;
  return dayOfWeek;
}

/**
 * Appends, in order, the fire times in [from, to) of a cron read in a zone whose offset is
 * `offsetMinutes` throughout that range, until `out` holds `cap` instants.
 */
export function appendFireTimesAtFixedOffset(
  out: number[], cron: CronCalendar, offsetMinutes: number, from: number, to: number, cap: number,
): void {
  const shift = offsetMinutes * MINUTE_MS;
  for (let day = Math.floor((from + shift) / DAY_MS) * DAY_MS; day - shift < to; day += DAY_MS) {
    if (!firesOnDay(cron, new Date(day))) continue;
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        const at = day + hour * HOUR_MS + minute * MINUTE_MS - shift;
        if (at < from) continue;
        if (at >= to || out.length >= cap) return;
        out.push(at);
      }
    }
  }
}
