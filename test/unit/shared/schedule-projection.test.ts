import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { ValidationError } from '../../../shared/errors';
import {
  describeSchedule, MAX_FIRE_TIMES, projectFireTimes, toCronExpression, validateScheduleTiming, type ScheduleTiming,
} from '../../../shared/domain/schedule-projection';

const timing = (over: Partial<ScheduleTiming>): ScheduleTiming => ({
  type: 'daily', runAt: null, time: null, dayOfWeek: null, cron: null, timeZone: 'UTC', state: 'active',
  createdAt: '2020-01-01T00:00:00Z', ...over,
});
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const fires = (s: ScheduleTiming, from: string, to: string) => iso(projectFireTimes(s, new Date(from), new Date(to)).fireTimes);

describe('projectFireTimes', () => {
  describe('across DST changes', () => {
    it('keeps a daily 09:00 Europe/Warsaw job at 09:00 local when summer time starts (2026-03-29)', () => {
      const daily = timing({ type: 'daily', time: '09:00', timeZone: 'Europe/Warsaw' });
      assert.deepEqual(fires(daily, '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'), [
        '2026-03-27T08:00:00.000Z', '2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z',
      ]);
    });

    it('fires a Europe/Warsaw 02:30 job once on the day that skips 02:00–03:00, and once on the day that repeats it', () => {
      const daily = timing({ type: 'daily', time: '02:30', timeZone: 'Europe/Warsaw' });
      const spring = fires(daily, '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z');
      assert.equal(spring.length, 1);
      assert.equal(DateTime.fromISO(spring[0]!, { zone: 'Europe/Warsaw' }).toISODate(), '2026-03-29');
      const autumn = fires(daily, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z');
      assert.deepEqual(autumn, ['2026-10-25T00:30:00.000Z']);
    });

    it('keeps a weekly Sunday 09:00 America/New_York job at 09:00 local across 2026-03-08', () => {
      const weekly = timing({ type: 'weekly', dayOfWeek: 6, time: '09:00', timeZone: 'America/New_York' });
      assert.deepEqual(fires(weekly, '2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z'), [
        '2026-03-01T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-15T13:00:00.000Z',
      ]);
    });

    it('follows a weekday cron in America/New_York into summer time (2026-03-08) and back (2026-11-01)', () => {
      const cron = timing({ type: 'cron', cron: '0 2 * * 1-5', timeZone: 'America/New_York' });
      assert.deepEqual(fires(cron, '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z'), ['2026-03-06T07:00:00.000Z', '2026-03-09T06:00:00.000Z']);
      assert.deepEqual(fires(cron, '2026-10-30T00:00:00Z', '2026-11-03T00:00:00Z'), ['2026-10-30T06:00:00.000Z', '2026-11-02T07:00:00.000Z']);
    });

    it('fires a 01:30 America/New_York cron once on 2026-11-01, when 01:30 happens twice', () => {
      const cron = timing({ type: 'cron', cron: '30 1 * * *', timeZone: 'America/New_York' });
      assert.deepEqual(fires(cron, '2026-11-01T04:00:00Z', '2026-11-01T12:00:00Z'), ['2026-11-01T05:30:00.000Z']);
    });
  });

  describe('weekly days', () => {
    it('reads dayOfWeek 0 as Monday and 6 as Sunday in the schedule time zone', () => {
      for (const [dayOfWeek, weekday] of [[0, 1], [2, 3], [6, 7]] as const) {
        const weekly = timing({ type: 'weekly', dayOfWeek, time: '00:30', timeZone: 'Asia/Tokyo' });
        const out = projectFireTimes(weekly, new Date('2026-05-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z')).fireTimes;
        assert.ok(out.length >= 4);
        // 00:30 in Tokyo is the previous day in UTC: the local weekday is what must match.
        for (const d of out) assert.equal(DateTime.fromJSDate(d, { zone: 'Asia/Tokyo' }).weekday, weekday);
      }
    });
  });

  describe('range and lifecycle', () => {
    it('includes a fire time equal to `from` and excludes one equal to `to`', () => {
      const daily = timing({ type: 'daily', time: '12:00' });
      assert.deepEqual(fires(daily, '2026-01-01T12:00:00Z', '2026-01-03T12:00:00Z'), ['2026-01-01T12:00:00.000Z', '2026-01-02T12:00:00.000Z']);
    });

    it('projects a one-time schedule only when runAt lies in the range', () => {
      const once = timing({ type: 'once', runAt: '2026-02-10T14:00:00Z' });
      assert.deepEqual(fires(once, '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'), ['2026-02-10T14:00:00.000Z']);
      assert.deepEqual(fires(once, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'), []);
      assert.deepEqual(fires(once, '2026-01-01T00:00:00Z', '2026-02-10T14:00:00Z'), []);
    });

    it('never projects a fire time before the schedule was created', () => {
      const daily = timing({ type: 'daily', time: '06:00', createdAt: '2026-01-03T06:00:00Z' });
      assert.deepEqual(fires(daily, '2026-01-01T00:00:00Z', '2026-01-05T00:00:00Z'), ['2026-01-03T06:00:00.000Z', '2026-01-04T06:00:00.000Z']);
      const once = timing({ type: 'once', runAt: '2026-01-02T00:00:00Z', createdAt: '2026-01-03T00:00:00Z' });
      assert.deepEqual(fires(once, '2026-01-01T00:00:00Z', '2026-01-05T00:00:00Z'), []);
    });

    it('projects nothing for a paused schedule', () => {
      assert.deepEqual(fires(timing({ type: 'daily', time: '06:00', state: 'paused' }), '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), []);
      assert.deepEqual(fires(timing({ type: 'once', runAt: '2026-01-10T00:00:00Z', state: 'paused' }), '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), []);
    });

    it('stops at MAX_FIRE_TIMES and says so for an every-minute cron over 40 weeks', () => {
      const everyMinute = timing({ type: 'cron', cron: '* * * * *' });
      const out = projectFireTimes(everyMinute, new Date('2026-01-05T00:00:00Z'), new Date('2026-10-12T00:00:00Z'));
      assert.equal(out.fireTimes.length, MAX_FIRE_TIMES);
      assert.equal(out.truncated, true);
      assert.equal(out.fireTimes.at(-1)!.toISOString(), new Date(Date.parse('2026-01-05T00:00:00Z') + (MAX_FIRE_TIMES - 1) * 60_000).toISOString());
    });

    it('does not flag truncation when the schedule fires exactly `limit` times', () => {
      const out = projectFireTimes(timing({ type: 'daily', time: '06:00' }), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-04T00:00:00Z'), 3);
      assert.deepEqual([out.fireTimes.length, out.truncated], [3, false]);
    });

    it('throws a ValidationError naming timeZone for an unknown zone', () => {
      assert.throws(
        () => projectFireTimes(timing({ type: 'daily', time: '06:00', timeZone: 'Mars/Olympus_Mons' }), new Date(0), new Date()),
        (e: unknown) => e instanceof ValidationError && e.fields.some((f) => f.path === 'timeZone'),
      );
    });
  });
});

describe('validateScheduleTiming', () => {
  const paths = (over: Partial<ScheduleTiming>) => validateScheduleTiming(timing(over)).map((i) => i.path);

  it('accepts five-field unix-cron, with ranges, steps and names', () => {
    for (const cron of ['0 2 * * 1-5', '*/15 8-18 * * MON-FRI', '0 0 1 JAN,JUL *', '5,35 * * * 0']) {
      assert.deepEqual(paths({ type: 'cron', cron }), [], cron);
    }
  });

  it('rejects what Cloud Scheduler would not run: seconds fields, macros, Quartz extensions, out-of-range values', () => {
    for (const cron of ['0 0 2 * * *', '@daily', '0 0 L * *', '0 0 * * 1#2', '61 * * * *', '0 2 * *', '']) {
      assert.deepEqual(paths({ type: 'cron', cron }), ['cron'], JSON.stringify(cron));
    }
  });

  it('names every field a type needs and lacks', () => {
    assert.deepEqual(paths({ type: 'weekly' }), ['dayOfWeek', 'time']);
    assert.deepEqual(paths({ type: 'daily' }), ['time']);
    assert.deepEqual(paths({ type: 'once' }), ['runAt']);
    assert.deepEqual(paths({ type: 'cron', cron: null, timeZone: 'Nowhere/City' }), ['timeZone', 'cron']);
  });
});

describe('toCronExpression', () => {
  it('turns daily and weekly schedules into cron, Sunday = 0', () => {
    assert.equal(toCronExpression(timing({ type: 'daily', time: '02:05' })), '5 2 * * *');
    assert.equal(toCronExpression(timing({ type: 'weekly', dayOfWeek: 6, time: '09:00' })), '0 9 * * 0');
    assert.equal(toCronExpression(timing({ type: 'weekly', dayOfWeek: 0, time: '23:59' })), '59 23 * * 1');
    assert.equal(toCronExpression(timing({ type: 'once', runAt: '2026-01-01T00:00:00Z' })), null);
  });
});

describe('describeSchedule', () => {
  it('reads like the seed popover', () => {
    assert.equal(describeSchedule(timing({ type: 'weekly', dayOfWeek: 2, time: '09:00', timeZone: 'Europe/Warsaw' })), 'Weekly (Wed 09:00 Europe/Warsaw)');
    assert.equal(describeSchedule(timing({ type: 'daily', time: '02:00' })), 'Daily at 02:00 (UTC)');
    assert.equal(describeSchedule(timing({ type: 'once', runAt: '2026-01-01T00:00:00Z' })), 'Once');
    assert.equal(describeSchedule(timing({ type: 'cron', cron: '0 2 * * 1-5', timeZone: 'America/New_York' })), 'Cron 0 2 * * 1-5 (America/New_York)');
  });
});
