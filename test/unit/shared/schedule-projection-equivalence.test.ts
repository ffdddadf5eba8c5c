import assert from 'node:assert/strict';
import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import {
  MAX_FIRE_TIMES, projectFireTimes, toCronExpression, type FireTimeProjection, type ScheduleTiming,
} from '../../../shared/domain/schedule-projection';
import { zoneOffsetAt, zoneTransitions } from '../../../shared/domain/zone-offsets';

/**
 * projectFireTimes computes most fire times arithmetically and leaves only the days of offset
 * changes to cron-parser. Here it must agree, instant for instant, with walking cron-parser over
 * the whole range, as projections always did, in zones with every kind of change.
 */
function cronParserProjection(t: ScheduleTiming, from: Date, to: Date, limit = MAX_FIRE_TIMES): FireTimeProjection {
  const start = Math.max(from.getTime(), Date.parse(t.createdAt));
  const end = to.getTime();
  if (start >= end) return { fireTimes: [], truncated: false };
  const expression = CronExpressionParser.parse(toCronExpression(t)!, { tz: t.timeZone, currentDate: new Date(start - 1), endDate: new Date(end - 1) });
  const fireTimes: Date[] = [];
  while (expression.hasNext()) {
    if (fireTimes.length === limit) return { fireTimes, truncated: true };
    fireTimes.push(expression.next().toDate());
  }
  return { fireTimes, truncated: false };
}

const ZONES = [
  'Europe/Warsaw', 'America/New_York', 'Europe/London',
  'Europe/Dublin', // "winter time" is its negative DST
  'Australia/Lord_Howe', // 30-minute DST
  'Pacific/Chatham', // +12:45 / +13:45
  'America/Santiago', 'America/Havana', 'America/Asuncion', // changes at or around midnight
  'Africa/Casablanca', // two changes a month apart around Ramadan
  'Antarctica/Troll', // two-hour DST
  'America/St_Johns', 'Australia/Sydney', 'Asia/Kolkata', 'UTC',
] as const;

const TIMES = ['00:00', '00:30', '00:45', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30', '09:15', '23:00', '23:30'];
const CRONS = [
  '0 2 * * 1-5', '*/15 * * * *', '0 * * * *', '30 1-3 * * *', '0 0 1 * *', '5,35 * * * 0', '0 0 * * 7', '0 12 1,15 * MON',
  '* 2 * * *', '0 0,3 * * *', '15 0 * * *', '45 23 * * SAT', '0 */6 * * *', '59 23 * * *',
  '0 0-2,4-23 * * *', // 23 hours: cron-parser's spring-forward state outlives the day
];

/** A small deterministic generator, so a failure names a case that can be rerun. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function timing(over: Partial<ScheduleTiming>): ScheduleTiming {
  return { type: 'daily', runAt: null, time: null, dayOfWeek: null, cron: null, timeZone: 'UTC', state: 'active', createdAt: '2020-01-01T00:00:00Z', ...over };
}

function assertSame(t: ScheduleTiming, from: number, to: number, limit?: number): void {
  const iso = (p: FireTimeProjection) => ({ fireTimes: p.fireTimes.map((d) => d.toISOString()), truncated: p.truncated });
  const actual = iso(projectFireTimes(t, new Date(from), new Date(to), limit));
  const expected = iso(cronParserProjection(t, new Date(from), new Date(to), limit));
  assert.deepEqual(actual, expected, `${toCronExpression(t)} in ${t.timeZone}, [${new Date(from).toISOString()}, ${new Date(to).toISOString()})`);
}

describe('projectFireTimes agrees with cron-parser', () => {
  it('around every offset change of 2025–2027, from any instant near it, for daily, weekly and cron schedules', () => {
    const next = random(20_260_329);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    let cases = 0;
    for (const timeZone of ZONES) {
      const changes = zoneTransitions(timeZone, Date.UTC(2025, 0, 1), Date.UTC(2028, 0, 1));
      // Zones without changes still need a few ranges.
      const anchors = changes.length > 0 ? changes : [Date.UTC(2026, 2, 29), Date.UTC(2026, 9, 25)];
      for (const change of anchors) {
        for (let i = 0; i < 8; i++) {
          const kind = pick(['daily', 'weekly', 'cron'] as const);
          const t = timing({
            type: kind, timeZone,
            time: kind === 'cron' ? null : pick(TIMES),
            dayOfWeek: kind === 'weekly' ? Math.floor(next() * 7) : null,
            cron: kind === 'cron' ? pick(CRONS) : null,
          });
          // Starts anywhere from three days before the change to a day after it, on a whole minute or not.
          const offset = Math.floor(next() * 4 * DAY);
          const from = change - 3 * DAY + (next() < 0.5 ? offset - (offset % 60_000) : offset);
          const to = from + HOUR + Math.floor(next() * 5 * DAY);
          assertSame(t, from, to);
          cases++;
        }
      }
    }
    assert.ok(cases > 250, `${cases} cases`);
  });

  it('over two years for the calendar bench mix, from a schedule created mid-range', () => {
    for (const [i, timeZone] of ['Europe/Warsaw', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago'].entries()) {
      const from = Date.UTC(2025, 5, 1, 7, 13);
      const to = Date.UTC(2027, 5, 1);
      assertSame(timing({ type: 'daily', time: '03:00', timeZone }), from, to);
      assertSame(timing({ type: 'weekly', dayOfWeek: i + 3, time: '02:30', timeZone, createdAt: '2026-02-03T04:05:06.789Z' }), from, to);
      assertSame(timing({ type: 'cron', cron: `${i * 17} ${i * 5} * * 1-5`, timeZone }), from, to);
    }
  });

  it('stops at the same instant and flags truncation the same way for crons that fire often', () => {
    for (const timeZone of ['Europe/Warsaw', 'America/Santiago']) {
      for (const cron of ['*/5 * * * *', '0 * * * *']) {
        const t = timing({ type: 'cron', cron, timeZone });
        for (const limit of [1, 50, 300]) assertSame(t, Date.UTC(2026, 2, 27), Date.UTC(2026, 3, 10), limit);
      }
    }
  });
});

describe('zoneOffsetAt', () => {
  it('gives luxon\'s offset at every hour of 2026 and at each side of every change', () => {
    for (const timeZone of ZONES) {
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += HOUR) {
        assert.equal(zoneOffsetAt(timeZone, ms), DateTime.fromMillis(ms, { zone: timeZone }).offset, `${timeZone} ${new Date(ms).toISOString()}`);
      }
      for (const change of zoneTransitions(timeZone, Date.UTC(2025, 0, 1), Date.UTC(2028, 0, 1))) {
        for (const ms of [change - 1, change]) {
          assert.equal(zoneOffsetAt(timeZone, ms), DateTime.fromMillis(ms, { zone: timeZone }).offset, `${timeZone} ${new Date(ms).toISOString()}`);
        }
        assert.notEqual(zoneOffsetAt(timeZone, change - 1), zoneOffsetAt(timeZone, change));
      }
    }
  });
});
