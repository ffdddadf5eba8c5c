import assert from 'node:assert/strict';
import { checkScheduleTiming, isFireOfOnce, jobCronExpression, nextFireTime } from '../../../shared/domain/schedule-rules';
import type { ScheduleTiming } from '../../../shared/domain/schedule-projection';

const NOW = new Date('2026-03-18T12:00:00Z');
const timing = (over: Partial<ScheduleTiming>): ScheduleTiming => ({
  type: 'daily', runAt: null, time: null, dayOfWeek: null, cron: null, timeZone: 'Europe/Warsaw', state: 'active',
  createdAt: '2026-01-01T00:00:00Z', ...over,
});
const paths = (t: ScheduleTiming, runAtIsNew = true) => checkScheduleTiming(t, NOW, runAtIsNew).map((i) => i.path);

describe('checkScheduleTiming', () => {
  const cases: [string, Partial<ScheduleTiming>, string[]][] = [
    ['accepts a daily time', { time: '09:00' }, []],
    ['accepts a weekly Sunday', { type: 'weekly', dayOfWeek: 6, time: '09:00' }, []],
    ['accepts a cron with names', { type: 'cron', cron: '0 2 * * MON-FRI' }, []],
    ['accepts a future whole-minute run time', { type: 'once', runAt: '2026-03-20T14:30:00Z' }, []],
    ['names a field the type does not use', { time: '09:00', cron: '* * * * *', dayOfWeek: 1 }, ['dayOfWeek', 'cron']],
    ['names a missing weekly day', { type: 'weekly', time: '09:00' }, ['dayOfWeek']],
    ['names a six-field cron', { type: 'cron', cron: '0 0 9 * * *' }, ['cron']],
    ['names an out-of-range cron', { type: 'cron', cron: '0 24 * * *' }, ['cron']],
    ['names an unknown time zone', { time: '09:00', timeZone: 'Europe/Atlantis' }, ['timeZone']],
    ['names a run time in the past', { type: 'once', runAt: '2026-03-18T11:59:00Z' }, ['runAt']],
    ['names a run time with seconds', { type: 'once', runAt: '2026-03-20T14:30:05Z' }, ['runAt']],
    // Warsaw repeats 02:00–03:00 on 2026-10-25: 02:30 is 00:30Z, then again 01:30Z; a job fires at the first.
    ['names a run time in the second pass of a repeated hour', { type: 'once', runAt: '2026-10-25T01:30:00Z' }, ['runAt']],
    ['accepts the first pass of a repeated hour', { type: 'once', runAt: '2026-10-25T00:30:00Z' }, []],
  ];
  for (const [name, over, expected] of cases) {
    it(name, () => assert.deepEqual(paths(timing(over)), expected));
  }

  it('lets a one-time schedule that already ran keep its run time when something else changes', () => {
    assert.deepEqual(paths(timing({ type: 'once', runAt: '2026-03-01T08:00:00Z' }), false), []);
  });
});

describe('jobCronExpression', () => {
  it('writes daily and weekly schedules as cron (weekly days count from Monday = 0)', () => {
    assert.equal(jobCronExpression(timing({ time: '07:05' })), '5 7 * * *');
    assert.equal(jobCronExpression(timing({ type: 'weekly', dayOfWeek: 6, time: '09:00' })), '0 9 * * 0');
  });

  it('pins a one-time schedule to its minute, day and month in its own time zone', () => {
    assert.equal(jobCronExpression(timing({ type: 'once', runAt: '2026-03-31T22:30:00Z' })), '30 0 1 4 *');
    assert.equal(jobCronExpression(timing({ type: 'once', runAt: '2026-03-31T22:30:00Z', timeZone: 'America/New_York' })), '30 18 31 3 *');
  });
});

describe('isFireOfOnce', () => {
  it('accepts the run time\'s minute only, not the same slot a year later', () => {
    const runAt = '2026-03-20T14:30:00.000Z';
    assert.equal(isFireOfOnce(runAt, new Date('2026-03-20T14:30:00Z')), true);
    assert.equal(isFireOfOnce(runAt, new Date('2026-03-20T14:30:59Z')), true);
    assert.equal(isFireOfOnce(runAt, new Date('2027-03-20T14:30:00Z')), false);
  });
});

describe('nextFireTime', () => {
  it('is the next slot of an active schedule, and null when paused or when a one-time schedule has run', () => {
    assert.equal(nextFireTime(timing({ time: '09:00' }), NOW), '2026-03-19T08:00:00.000Z');
    assert.equal(nextFireTime(timing({ time: '09:00', state: 'paused' }), NOW), null);
    assert.equal(nextFireTime(timing({ type: 'once', runAt: '2026-03-01T08:00:00Z' }), NOW), null);
  });
});
