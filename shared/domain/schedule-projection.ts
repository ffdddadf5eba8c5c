import { CronExpressionParser } from 'cron-parser';
import { ValidationError, type FieldIssue } from '../errors';
import type { Schedule } from '../schemas/schedule';

/** The part of a schedule that decides when it fires. */
export type ScheduleTiming = Pick<Schedule, 'type' | 'runAt' | 'time' | 'dayOfWeek' | 'cron' | 'timeZone' | 'state' | 'createdAt'>;

/**
 * At most this many instants per schedule per projection: `* * * * *` over a 40-week calendar
 * would be ~400,000; the grid only needs to know that the days are full.
 */
export const MAX_FIRE_TIMES = 5_000;

export interface FireTimeProjection {
  fireTimes: Date[];
  /** True when the schedule fires more than `limit` times in the range and later instants were dropped. */
  truncated: boolean;
}

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
/** Unix-cron, as Cloud Scheduler takes it: five fields of digits, `*`, `,`, `-`, `/` or three-letter names. */
const UNIX_CRON_FIELD = /^(?:[0-9*,/-]|[A-Za-z]{3})+$/;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The IANA spelling of a time zone Intl accepts ("europe/warsaw" → "Europe/Warsaw"). */
export function canonicalTimeZone(timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone }).resolvedOptions().timeZone;
}

function cronIssue(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => UNIX_CRON_FIELD.test(f))) {
    return 'must be a five-field unix-cron expression (minute hour day-of-month month day-of-week)';
  }
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return null;
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
}

/** Every problem that would stop the schedule from firing, as field paths relative to the schedule. */
export function validateScheduleTiming(t: Omit<ScheduleTiming, 'state' | 'createdAt'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const need = (path: string, message: string) => issues.push({ path, message });
  if (!isValidTimeZone(t.timeZone)) need('timeZone', 'is not a known IANA time zone');
  switch (t.type) {
    case 'once':
      if (!t.runAt) need('runAt', 'is required for a one-time schedule');
      break;
    case 'weekly':
      if (t.dayOfWeek === null) need('dayOfWeek', 'is required for a weekly schedule (0 = Monday … 6 = Sunday)');
      if (!t.time) need('time', 'is required for a weekly schedule (HH:MM)');
      break;
    case 'daily':
      if (!t.time) need('time', 'is required for a daily schedule (HH:MM)');
      break;
    case 'cron': {
      const problem = t.cron ? cronIssue(t.cron) : 'is required for a cron schedule';
      if (problem) need('cron', problem);
      break;
    }
  }
  return issues;
}

/** The unix-cron expression a recurring schedule fires on (daily and weekly are cron in disguise). */
export function toCronExpression(t: Omit<ScheduleTiming, 'state' | 'createdAt'>): string | null {
  if (t.type === 'once') return null;
  if (t.type === 'cron') return t.cron!.trim();
  const [hour, minute] = t.time!.split(':').map(Number);
  // The schedule counts days from Monday = 0; cron from Sunday = 0.
  const dayOfWeek = t.type === 'weekly' ? String((t.dayOfWeek! + 1) % 7) : '*';
  return `${minute} ${hour} * * ${dayOfWeek}`;
}

/**
 * Every instant in [from, to) at which the schedule fires, in order, never before it was created;
 * a paused schedule fires never. Wall-clock times are read in the schedule's time zone, so a
 * "09:00 Europe/Warsaw" job moves by an hour in UTC across a DST change (cron-parser's rules: a
 * time skipped by spring-forward fires an hour later, a repeated one fires once).
 * Throws a ValidationError when the schedule's timing is invalid.
 */
export function projectFireTimes(schedule: ScheduleTiming, from: Date, to: Date, limit = MAX_FIRE_TIMES): FireTimeProjection {
  const issues = validateScheduleTiming(schedule);
  if (issues.length > 0) throw new ValidationError(issues, 'The schedule cannot fire');
  const start = Math.max(from.getTime(), Date.parse(schedule.createdAt));
  const end = to.getTime();
  if (schedule.state === 'paused' || start >= end) return { fireTimes: [], truncated: false };

  if (schedule.type === 'once') {
    const runAt = Date.parse(schedule.runAt!);
    return { fireTimes: runAt >= start && runAt < end ? [new Date(runAt)] : [], truncated: false };
  }

  // cron-parser yields instants strictly after currentDate and up to endDate inclusive.
  const expression = CronExpressionParser.parse(toCronExpression(schedule)!, {
    tz: schedule.timeZone,
    currentDate: new Date(start - 1),
    endDate: new Date(end - 1),
  });
  const fireTimes: Date[] = [];
  while (expression.hasNext()) {
    if (fireTimes.length === limit) return { fireTimes, truncated: true };
    fireTimes.push(expression.next().toDate());
  }
  return { fireTimes, truncated: false };
}

/** One line for tooltips and popovers: "Weekly (Wed 09:00 Europe/Warsaw)". */
export function describeSchedule(t: Pick<ScheduleTiming, 'type' | 'time' | 'dayOfWeek' | 'cron' | 'timeZone'>): string {
  switch (t.type) {
    case 'once': return 'Once';
    case 'daily': return `Daily at ${t.time} (${t.timeZone})`;
    case 'weekly': return `Weekly (${WEEKDAY_NAMES[t.dayOfWeek ?? 0]} ${t.time} ${t.timeZone})`;
    case 'cron': return `Cron ${t.cron} (${t.timeZone})`;
  }
}
