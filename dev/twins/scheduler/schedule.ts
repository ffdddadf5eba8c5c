import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';

/** Cloud Scheduler's own wording for a bad `schedule` or `timeZone`. */
export const INVALID_SCHEDULE_MESSAGE = 'Schedule or time zone is invalid.';

export const DEFAULT_TIME_ZONE = 'Etc/UTC';

const NAMES = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)\b/gi;

/**
 * Cloud Scheduler takes unix-cron: exactly five fields of digits, `*`, `,`, `-`, `/` and month/day names.
 * cron-parser alone is more lenient (a seconds field, `?`, `L`, `#`, `H`), so those are rejected first.
 */
export function isValidSchedule(schedule: string, timeZone: string): boolean {
  if (!IANAZone.isValidZone(timeZone)) return false;
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  if (!fields.every((field) => /^[\d*,/-]+$/.test(field.replace(NAMES, '0')))) return false;
  try {
    CronExpressionParser.parse(schedule, { tz: timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The first slot of `schedule` strictly after `after`, read in `timeZone` (cron-parser applies the DST rules). */
export function nextSlotAfter(schedule: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { tz: timeZone, currentDate: after }).next().toDate();
}
