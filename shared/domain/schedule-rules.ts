import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import type { FieldIssue } from '../errors';
import type { Schedule } from '../schemas/schedule';
import { projectFireTimes, toCronExpression, validateScheduleTiming, type ScheduleTiming } from './schedule-projection';

type TimingField = 'runAt' | 'time' | 'dayOfWeek' | 'cron';
type Timing = Omit<ScheduleTiming, 'state' | 'createdAt'>;

/** The timing fields each schedule type reads; the others must be empty. */
export const TIMING_FIELDS: Record<Schedule['type'], readonly TimingField[]> = {
  once: ['runAt'],
  daily: ['time'],
  weekly: ['dayOfWeek', 'time'],
  cron: ['cron'],
};
const ALL_TIMING_FIELDS: readonly TimingField[] = ['runAt', 'time', 'dayOfWeek', 'cron'];

const MINUTE_MS = 60_000;

/**
 * Every reason the timing cannot be saved, as paths relative to the schedule: fields the type does
 * not use, what `validateScheduleTiming` finds, and for `once` a run time that Cloud Scheduler can
 * fire exactly once in the future (whole minute, after `now`, not in a repeated DST hour).
 * `runAtIsNew`: only a run time being set now must lie in the future (a fired one stays valid).
 */
export function checkScheduleTiming(timing: Timing, now: Date, runAtIsNew = true): FieldIssue[] {
  const used = TIMING_FIELDS[timing.type];
  const issues: FieldIssue[] = ALL_TIMING_FIELDS
    .filter((field) => !used.includes(field) && timing[field] !== null)
    .map((path) => ({ path, message: `is not used by a ${timing.type} schedule` }));
  issues.push(...validateScheduleTiming(timing));
  if (timing.type !== 'once' || !timing.runAt || issues.some((i) => i.path === 'timeZone')) return issues;

  const runAt = Date.parse(timing.runAt);
  if (runAt % MINUTE_MS !== 0) issues.push({ path: 'runAt', message: 'must be on a whole minute (Cloud Scheduler fires on minutes)' });
  else if (runAtIsNew && runAt <= now.getTime()) issues.push({ path: 'runAt', message: 'must be in the future' });
  else if (firstFireOfLocalDay(timing.runAt, timing.timeZone) !== runAt) {
    issues.push({ path: 'runAt', message: `falls in an hour that ${timing.timeZone} repeats (DST); pick another time` });
  }
  return issues;
}

/**
 * The unix-cron a schedule's Cloud Scheduler job runs on. A one-time schedule becomes its minute,
 * hour, day and month in its time zone; the job would fire again a year later, which the trigger
 * ignores (see `isFireOfOnce`).
 */
export function jobCronExpression(timing: Timing): string {
  if (timing.type !== 'once') return toCronExpression(timing)!;
  const local = DateTime.fromISO(timing.runAt!, { zone: timing.timeZone });
  return `${local.minute} ${local.hour} ${local.day} ${local.month} *`;
}

/** A one-time schedule fires only at its run time: deliveries for any other instant are not its run. */
export function isFireOfOnce(runAt: string, scheduleTime: Date): boolean {
  return Math.floor(Date.parse(runAt) / MINUTE_MS) === Math.floor(scheduleTime.getTime() / MINUTE_MS);
}

/** The next instant an active schedule fires after `now` (within a year), else null. */
export function nextFireTime(schedule: ScheduleTiming, now: Date): string | null {
  if (validateScheduleTiming(schedule).length > 0) return null;
  const from = new Date(now.getTime() + 1);
  const [next] = projectFireTimes(schedule, from, new Date(from.getTime() + 366 * 86_400_000), 1).fireTimes;
  return next ? next.toISOString() : null;
}

/** The job's first fire on the run time's local day; differs from the run time in the second pass of a repeated hour. */
function firstFireOfLocalDay(runAt: string, timeZone: string): number {
  const dayStart = DateTime.fromISO(runAt, { zone: timeZone }).startOf('day');
  const cron = jobCronExpression({ type: 'once', runAt, timeZone, time: null, dayOfWeek: null, cron: null });
  return CronExpressionParser.parse(cron, { tz: timeZone, currentDate: new Date(dayStart.toMillis() - 1) }).next().toDate().getTime();
}
