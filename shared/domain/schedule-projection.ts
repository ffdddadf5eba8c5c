import { CronExpressionParser } from 'cron-parser';
import { ValidationError, type FieldIssue } from '../errors';
import type { Schedule } from '../schemas/schedule';
import { boundedMemo } from './bounded-memo';
import { appendFireTimesAtFixedOffset, cronCalendar } from './fixed-offset-cron';
import { zoneOffsetAt, zoneTransitions } from './zone-offsets';

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

// Constructing an Intl.DateTimeFormat costs tens of microseconds, and a calendar checks every schedule's zone.
export const isValidTimeZone = boundedMemo((timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}, 1_000);

/** The IANA spelling of a time zone Intl accepts ("europe/warsaw" → "Europe/Warsaw"). */
export function canonicalTimeZone(timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone }).resolvedOptions().timeZone;
}

// Parsing costs a tenth of a millisecond, and a calendar checks every schedule more than once.
const cronIssue = boundedMemo((expression: string): string | null => {
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
}, 1_000);

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
  const { instants, truncated } = projectFireInstants(schedule, from.getTime(), to.getTime(), limit);
  return { fireTimes: instants.map((t) => new Date(t)), truncated };
}

/** projectFireTimes in epoch milliseconds, for callers that place many thousands of them. */
export function projectFireInstants(schedule: ScheduleTiming, from: number, to: number, limit = MAX_FIRE_TIMES): { instants: number[]; truncated: boolean } {
  const issues = validateScheduleTiming(schedule);
  if (issues.length > 0) throw new ValidationError(issues, 'The schedule cannot fire');
  const start = Math.max(from, Date.parse(schedule.createdAt));
  if (schedule.state === 'paused' || start >= to) return { instants: [], truncated: false };

  if (schedule.type === 'once') {
    const runAt = Date.parse(schedule.runAt!);
    return { instants: runAt >= start && runAt < to ? [runAt] : [], truncated: false };
  }

  const instants = cronFireTimes(toCronExpression(schedule)!, schedule.timeZone, start, to, limit + 1);
  const truncated = instants.length > limit;
  if (truncated) instants.length = limit;
  return { instants, truncated };
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

interface CronParserWalk {
  times: number[];
  /** cron-parser gave up (its loop limit: it does on Lord Howe's half-hour fall-back) and never yields again. */
  stalled: boolean;
}

/** cron-parser's fire times from `from` on, until one reaches `to` or `cap` are found. */
function walkCronParser(expression: string, timeZone: string, from: number, to: number, cap = Infinity): CronParserWalk {
  // It yields instants strictly after currentDate. Without an endDate, the only error left is giving up.
  const parsed = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: new Date(from - 1) });
  const times: number[] = [];
  while (times.length < cap) {
    let next: number;
    try {
      next = parsed.next().getTime();
    } catch {
      return { times, stalled: true };
    }
    if (next >= to) break;
    times.push(next);
  }
  return { times, stalled: false };
}

const parsedCronCalendar = boundedMemo((expression: string) => cronCalendar(CronExpressionParser.parse(expression)), 1_000);

/** Fire times on the days of an offset change depend only on the expression, the zone and the change: shared by every schedule with both. */
const walkAroundOffsetChange = boundedMemo((key: string): CronParserWalk => {
  const [expression, timeZone, from, to] = key.split('\u0000') as [string, string, string, string];
  return walkCronParser(expression, timeZone, Number(from), Number(to));
}, 2_000);

/**
 * Around each offset change of the zone that touches [from, to): from the start of the local day
 * before the change's (a midnight the change can neither skip nor repeat) to the end of the
 * change's local day; merged.
 */
function offsetChangeDays(timeZone: string, from: number, to: number): [number, number][] {
  const spans: [number, number][] = [];
  for (const change of zoneTransitions(timeZone, from - 2 * DAY_MS, to + 2 * DAY_MS)) {
    const before = zoneOffsetAt(timeZone, change - 1) * MINUTE_MS;
    const after = zoneOffsetAt(timeZone, change) * MINUTE_MS;
    const dayStart = (Math.floor((change - 1 + before) / DAY_MS) - 1) * DAY_MS - before;
    const dayEnd = (Math.floor((change + after) / DAY_MS) + 1) * DAY_MS - after;
    if (dayEnd <= from || dayStart >= to) continue;
    const last = spans.at(-1);
    if (last && last[1] >= dayStart) last[1] = Math.max(last[1], dayEnd);
    else spans.push([dayStart, dayEnd]);
  }
  return spans;
}

/**
 * The fire times of a unix-cron expression in [from, to), in order, at most `cap`, exactly as one
 * cron-parser walk from `from` yields them. That walk steps through wall-clock time with luxon:
 * tens of milliseconds per schedule per month. Where the zone keeps one offset, fire times are
 * plain arithmetic instead (fixed-offset-cron); around an offset change cron-parser still walks,
 * so its DST rules (and failures) hold unchanged. Every walk passes the unambiguous midnight that
 * starts such a span without DST state, so one started there agrees with one started earlier;
 * except with an hour field of 23 hours, where state set by spring-forward outlives the day: those
 * expressions are walked whole.
 */
function cronFireTimes(expression: string, timeZone: string, from: number, to: number, cap: number): number[] {
  const cron = parsedCronCalendar(expression);
  if (!cron || cron.hours.length === 23) return walkCronParser(expression, timeZone, from, to, cap).times;
  const out: number[] = [];
  let cursor = from;
  for (const [spanFrom, spanTo] of offsetChangeDays(timeZone, from, to)) {
    if (spanFrom > cursor) appendFireTimesAtFixedOffset(out, cron, zoneOffsetAt(timeZone, cursor), cursor, Math.min(spanFrom, to), cap);
    if (out.length >= cap || spanFrom >= to) return out;
    // A range that starts on such a day starts the walk there, as projecting that range alone always did.
    const walk = spanFrom < from
      ? walkCronParser(expression, timeZone, from, spanTo)
      : walkAroundOffsetChange([expression, timeZone, spanFrom, spanTo].join('\u0000'));
    for (const at of walk.times) {
      if (at >= to || out.length >= cap) return out;
      out.push(at);
    }
    if (walk.stalled) return out;
    cursor = spanTo;
  }
  if (cursor < to) appendFireTimesAtFixedOffset(out, cron, zoneOffsetAt(timeZone, cursor), cursor, to, cap);
  return out;
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
