import assert from 'node:assert/strict';
import { buildCalendar, calendarWindow, localDate, type CalendarInput } from '../../../shared/domain/calendar';
import {
  buildRollups, historyFromRollups, historyFromRuns, rollupDelta, weekIdOf, weekIdsBetween,
} from '../../../shared/domain/calendar-rollups';
import { Schedule } from '../../../shared/schemas/schedule';
import type { TrainingRun } from '../../../shared/schemas/training-run';
import { makeRun } from '../../support/fixtures';

const makeSchedule = (over: Partial<Schedule> & Pick<Schedule, 'id' | 'type'>): Schedule => Schedule.parse({
  name: `sched-${over.id}`, familyId: 'recs-prod', modelType: 'retrieval', timeZone: 'Europe/Warsaw',
  pipelineTemplate: 'gs://p/t.json', state: 'active', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...over,
});

describe('calendarWindow', () => {
  it('starts on Monday 00:00 in the caller zone when the UTC date is already the next day (Asia/Tokyo)', () => {
    // Monday 23:30 UTC is Tuesday 08:30 in Tokyo: the week is the one starting Monday 2026-03-02 local.
    const w = calendarWindow(new Date('2026-03-02T23:30:00Z'), 'Asia/Tokyo', 1, 2);
    assert.equal(w.start.toISOString(), '2026-02-22T15:00:00.000Z');
    assert.equal(w.end.toISOString(), '2026-03-15T15:00:00.000Z');
    assert.equal(w.today, '2026-03-03');
    assert.deepEqual([w.days[0], w.days.length, w.days.at(-1)], ['2026-02-23', 21, '2026-03-15']);
  });

  it('puts a Sunday evening in the week that began six days earlier when UTC is already Monday (America/Los_Angeles)', () => {
    const w = calendarWindow(new Date('2026-03-02T03:00:00Z'), 'America/Los_Angeles', 0, 1);
    assert.equal(w.today, '2026-03-01');
    assert.equal(w.start.toISOString(), '2026-02-23T08:00:00.000Z');
    assert.deepEqual(w.days, ['2026-02-23', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('ends at local midnight after a DST change and lists each day once (Europe/Warsaw, 2026-03-29)', () => {
    const w = calendarWindow(new Date('2026-03-25T12:00:00Z'), 'Europe/Warsaw', 0, 2);
    assert.equal(w.start.toISOString(), '2026-03-22T23:00:00.000Z'); // Monday 00:00 CET
    assert.equal(w.end.toISOString(), '2026-04-05T22:00:00.000Z'); // Monday 00:00 CEST
    assert.equal(new Set(w.days).size, 14);
    assert.equal(w.days[7], '2026-03-30');
  });

  it('defaults to the seed layout of 40 weeks, this week being the first future one', () => {
    const w = calendarWindow(new Date('2026-06-10T12:00:00Z'), 'UTC', 10, 30);
    assert.equal(w.days.length, 280);
    assert.equal(w.days.indexOf(w.today), 10 * 7 + 2); // a Wednesday in week 11
  });
});

describe('localDate', () => {
  it('gives the calendar day of an instant in a zone', () => {
    assert.equal(localDate('2026-03-01T23:30:00Z', 'Europe/Warsaw'), '2026-03-02');
    assert.equal(localDate('2026-03-01T23:30:00Z', 'America/New_York'), '2026-03-01');
  });
});

describe('buildCalendar', () => {
  // Wednesday 2026-03-18 12:00 UTC; the window is Mon 2026-03-02 … Sun 2026-03-29 in Warsaw.
  const now = new Date('2026-03-18T12:00:00Z');
  const window = calendarWindow(now, 'Europe/Warsaw', 2, 2);
  const weekly = makeSchedule({ id: 'w', name: 'recs-weekly-refresh', type: 'weekly', dayOfWeek: 2, time: '09:00' });
  const calendar = ({ runs = [], ...over }: Partial<CalendarInput> & { runs?: TrainingRun[] }) =>
    buildCalendar({ window, now, schedules: [], history: historyFromRuns(runs), lastBlessedAt: {}, ...over });
  const run = (over: Partial<TrainingRun> & { id: string }) => makeRun({ scheduleId: 'w', ...over });

  it('projects scheduled slots from now to the end of the window, keyed by local date', () => {
    const out = calendar({ schedules: [weekly] });
    assert.deepEqual(Object.keys(out.scheduled), ['2026-03-25']);
    assert.deepEqual(out.scheduled['2026-03-25'], [{
      scheduleId: 'w', name: 'recs-weekly-refresh', type: 'retrieval', scheduleType: 'weekly',
      description: 'Weekly (Wed 09:00 Europe/Warsaw)', fireTime: '2026-03-25T08:00:00.000Z', familyId: 'recs-prod', fires: 1,
    }]);
  });

  it('keys runs by the local date of completedAt, else startedAt, else scheduledFor, and leaves out runs outside the window', () => {
    const out = calendar({
      runs: [
        run({ id: '1', startedAt: '2026-03-02T20:00:00Z', completedAt: '2026-03-02T23:30:00Z' }), // 00:30 on the 3rd in Warsaw
        run({ id: '2', status: 'running', startedAt: '2026-03-10T10:00:00Z' }),
        run({ id: '3', status: 'scheduled', scheduledFor: '2026-03-12T08:00:00Z' }),
        run({ id: '4', startedAt: '2026-02-28T10:00:00Z', completedAt: '2026-03-01T10:00:00Z' }),
      ],
    });
    assert.deepEqual(Object.fromEntries(Object.entries(out.historical).map(([day, runs]) => [day, runs.map((r) => r.runId)])), {
      '2026-03-03': ['1'], '2026-03-10': ['2'], '2026-03-12': ['3'],
    });
    assert.deepEqual(out.historical['2026-03-03']![0], {
      runId: '1', name: 'TR-1', status: 'completed', type: 'retrieval', familyId: 'recs-prod', versionId: null, scheduleId: 'w', at: '2026-03-02T23:30:00.000Z',
      label: 'w', runs: 1, statuses: { completed: 1 },
    });
  });

  it('reports a past slot as missed when no run of its schedule was due or started within 30 minutes of it', () => {
    const out = calendar({
      schedules: [weekly],
      runs: [
        run({ id: '1', scheduledFor: '2026-03-04T08:00:00Z', startedAt: '2026-03-04T09:00:00Z' }),
        run({ id: '2', startedAt: '2026-03-11T08:20:00Z' }),
        run({ id: '3', startedAt: '2026-03-18T08:45:00Z' }),
        run({ id: '4', scheduleId: 'other', scheduledFor: '2026-03-18T08:00:00Z' }),
      ],
    });
    assert.deepEqual(out.missed, { '2026-03-18': [{ scheduleId: 'w', name: 'recs-weekly-refresh', familyId: 'recs-prod', fireTime: '2026-03-18T08:00:00.000Z', slots: 1 }] });
  });

  it('does not report slots before the schedule existed, or too recent to have a run yet', () => {
    const created = makeSchedule({ ...weekly, createdAt: '2026-03-10T00:00:00Z' });
    assert.deepEqual(Object.keys(calendar({ schedules: [created] }).missed), ['2026-03-11', '2026-03-18']);
    const justFired = calendar({ schedules: [weekly], now: new Date('2026-03-18T08:20:00Z'), runs: [run({ id: '1', startedAt: '2026-03-04T08:00:00Z' }), run({ id: '2', startedAt: '2026-03-11T08:00:00Z' })] });
    assert.deepEqual(justFired.missed, {});
  });

  it('lets one run cover one slot only', () => {
    const hourly = makeSchedule({ id: 'h', type: 'cron', cron: '0 * * * *', timeZone: 'UTC', createdAt: '2026-03-18T08:00:00Z' });
    const out = calendar({ schedules: [hourly], runs: [makeRun({ id: '1', scheduleId: 'h', startedAt: '2026-03-18T09:10:00Z' })] });
    // Slots at 08:00, 09:00, 10:00, 11:00 (12:00 is too recent); the run at 09:10 covers 09:00 only.
    assert.deepEqual(out.missed['2026-03-18']!.map((m) => [m.fireTime.slice(11, 16), m.slots]), [['08:00', 3]]);
  });

  it('counts whole days since the last blessing for every family of a schedule or run, null when never blessed', () => {
    const out = calendar({
      schedules: [makeSchedule({ id: 'r', type: 'daily', time: '02:00', familyId: 'ranking-q4' })],
      runs: [makeRun({ id: '1', familyId: 'recs-prod', completedAt: '2026-03-05T10:00:00Z' })],
      lastBlessedAt: { 'recs-prod': '2026-03-15T12:00:01Z', 'ranking-q4': null },
    });
    assert.deepEqual(out.families, [
      { familyId: 'ranking-q4', lastBlessedAt: null, daysSinceLastBlessed: null },
      { familyId: 'recs-prod', lastBlessedAt: '2026-03-15T12:00:01Z', daysSinceLastBlessed: 2 },
    ]);
  });

  it('skips a schedule whose timing is invalid with a warning, and still projects the others', () => {
    const broken = makeSchedule({ id: 'x', type: 'cron', cron: '0 0 2 * * *' });
    const out = calendar({ schedules: [broken, weekly] });
    assert.deepEqual(out.warnings.map((w) => [w.code, w.scheduleId]), [['SCHEDULE_INVALID', 'x']]);
    assert.match(out.warnings[0]!.message, /cron must be a five-field unix-cron expression/);
    assert.deepEqual(Object.keys(out.scheduled), ['2026-03-25']);
  });

  it('orders slots due at one instant by schedule name in locale order, as localeCompare does', () => {
    const named = (id: string, name: string) => makeSchedule({ ...weekly, id, name });
    const out = calendar({ schedules: [named('1', 'beta'), named('2', 'Alpha'), named('3', 'alpha'), named('4', 'Ägir')] });
    // Code-unit order would be Alpha, alpha, beta, Ägir.
    assert.deepEqual(out.scheduled['2026-03-25']!.map((s) => s.name), ['Ägir', 'alpha', 'Alpha', 'beta']);
    assert.deepEqual(out.missed['2026-03-04']!.map((s) => s.name), ['Ägir', 'alpha', 'Alpha', 'beta']);
  });

  it('orders each day by first slot whatever order the schedules come in, same names and times keeping the listed order', () => {
    const daily = (id: string, name: string, time: string) => makeSchedule({ id, name, type: 'daily', time, timeZone: 'UTC' });
    // The window's days are Warsaw's (UTC+1): x's 23:30 UTC is 00:30 of the next local day, the
    // earliest slot of that day although it is the latest time of day of x's first slot.
    const late = makeSchedule({ id: 'x', name: 'late', type: 'cron', cron: '30 23 * * 1-5', timeZone: 'UTC' });
    const weekend = makeSchedule({ id: 'y', name: 'weekend', type: 'cron', cron: '15 0 * * 0,6', timeZone: 'UTC' });
    const out = calendar({ schedules: [daily('1', 'same', '09:00'), late, daily('2', 'same', '09:00'), weekend, daily('early', 'zeta', '00:20')] });
    const ids = (day: string) => out.scheduled[day]!.map((s) => s.scheduleId);
    assert.deepEqual(ids('2026-03-20'), ['x', 'early', '1', '2']); // a Friday: x fired on Thursday, 23:30 UTC
    assert.deepEqual(ids('2026-03-21'), ['x', 'y', 'early', '1', '2']); // a Saturday
    assert.deepEqual(out.missed['2026-03-04']!.map((s) => s.scheduleId), ['x', 'early', '1', '2']);
  });

  it('warns when a schedule fires more often than the projection limit', () => {
    const everyMinute = makeSchedule({ id: 'm', type: 'cron', cron: '* * * * *' });
    const out = calendar({ schedules: [everyMinute], fireTimeLimit: 100 });
    assert.ok(out.warnings.some((w) => w.code === 'SCHEDULE_TRUNCATED' && w.scheduleId === 'm'));
    assert.equal(Object.values(out.scheduled).flat().reduce((n, s) => n + s.fires, 0), 100);
  });

  it('lists a schedule once a day with its fire count, however often it fires', () => {
    const everyMinute = makeSchedule({ id: 'm', name: 'minutely', type: 'cron', cron: '* * * * *', timeZone: 'UTC', createdAt: '2026-03-18T00:00:00Z' });
    const out = calendar({ schedules: [everyMinute] });
    const days = Object.values(out.scheduled);
    assert.ok(days.every((d) => d.length === 1));
    assert.equal(out.scheduled['2026-03-20']![0]!.fires, 1440);
    assert.equal(out.missed['2026-03-18']![0]!.slots, 11 * 60 + 30);
  });

  it('groups a day\'s runs by schedule, with counts by status and the latest run\'s fields', () => {
    const out = calendar({
      schedules: [weekly],
      runs: [
        run({ id: '1', startedAt: '2026-03-10T08:00:00Z', completedAt: '2026-03-10T09:00:00Z' }),
        run({ id: '2', status: 'failed', startedAt: '2026-03-10T10:00:00Z', completedAt: '2026-03-10T11:00:00Z' }),
        run({ id: '3', startedAt: '2026-03-10T12:00:00Z', completedAt: '2026-03-10T13:00:00Z', versionId: 'recs-prod-v3' }),
        makeRun({ id: '4', scheduleId: null, startedAt: '2026-03-10T12:00:00Z', completedAt: '2026-03-10T12:30:00Z' }),
      ],
    });
    assert.deepEqual(out.historical['2026-03-10']!.map((r) => [r.label, r.runs, r.statuses, r.runId, r.versionId]), [
      ['recs-prod', 1, { completed: 1 }, '4', null],
      ['recs-weekly-refresh', 3, { completed: 2, failed: 1 }, '3', 'recs-prod-v3'],
    ]);
  });
});

describe('calendar rollups', () => {
  const now = new Date('2026-03-18T12:00:00Z');
  const schedules = [makeSchedule({ id: 'w', name: 'weekly', type: 'weekly', dayOfWeek: 2, time: '09:00' })];
  const at = (day: number, quarter: number, seconds = 0) => new Date(Date.UTC(2026, 1, 20 + day, 0, 15 * quarter, seconds)).toISOString();
  // Runs placed on quarter-hour boundaries and due mid-quarter, where rollups (quarter precision)
  // put them: then rollups and run documents agree exactly.
  const runs = Array.from({ length: 300 }, (_, i) => makeRun({
    id: String(i + 1), scheduleId: i % 4 === 0 ? null : ['w', 'x'][i % 2]!, familyId: ['recs-prod', 'ranker'][i % 2]!,
    status: (['completed', 'failed', 'not_blessed'] as const)[i % 3]!,
    scheduledFor: at(i % 26, (i * 7) % 96, 450), startedAt: at(i % 26, (i * 7) % 96, 450), completedAt: at(i % 26, (i * 7 + 5) % 96),
  }));

  it('places runs in the UTC week of their instant, Monday first', () => {
    assert.equal(weekIdOf(Date.parse('2026-03-08T23:59:59Z')), '2026-03-02');
    assert.equal(weekIdOf(Date.parse('2026-03-09T00:00:00Z')), '2026-03-09');
    assert.deepEqual(weekIdsBetween(Date.parse('2026-03-04T00:00:00Z'), Date.parse('2026-03-16T00:00:00Z')), ['2026-03-02', '2026-03-09']);
  });

  it('give the same calendar as the run documents, in any time zone', () => {
    const rollups = [...buildRollups(runs).values()];
    for (const tz of ['Europe/Warsaw', 'Asia/Kathmandu', 'America/St_Johns', 'UTC']) {
      const window = calendarWindow(now, tz, 4, 2);
      const fromRuns = buildCalendar({ window, now, schedules, history: historyFromRuns(runs), lastBlessedAt: {} });
      const fromRollups = buildCalendar({ window, now, schedules, history: historyFromRollups(rollups), lastBlessedAt: {} });
      const counts = (c: typeof fromRuns) => Object.fromEntries(Object.entries(c.historical).map(([d, e]) => [d, e.map((r) => [r.label, r.runs, r.statuses])]));
      assert.deepEqual(counts(fromRollups), counts(fromRuns), tz);
      // The latest run is kept per UTC day: a local day shows one of its own runs, or none.
      for (const [day, entries] of Object.entries(fromRollups.historical)) {
        for (const entry of entries.filter((e) => e.runId !== null)) {
          const sample = runs.find((r) => r.id === entry.runId)!;
          assert.deepEqual([localDate(sample.completedAt!, tz), sample.scheduleId ?? sample.familyId], [day, entry.scheduleId ?? entry.familyId], tz);
        }
      }
      if (tz === 'UTC') assert.deepEqual(fromRollups.historical, fromRuns.historical);
      assert.deepEqual(fromRollups.missed, fromRuns.missed, tz);
    }
  });

  it('add up, one run\'s delta at a time, to the rollups of the whole history', () => {
    const summed = buildRollups(runs.slice(0, 150));
    const rest = buildRollups(runs.slice(150));
    const whole = buildRollups(runs);
    const total = (m: Map<string, { placed: Record<string, Record<string, number>> }>) =>
      [...m.values()].reduce((n, d) => n + Object.values(d.placed).reduce((k, c) => k + Object.values(c).reduce((a, b) => a + b, 0), 0), 0);
    assert.equal(total(summed) + total(rest), total(whole));
    assert.equal(total(whole), 300);
    assert.equal(rollupDelta(makeRun({ id: 'r', status: 'running', startedAt: at(1, 1) })).size, 0, 'runs in flight are not rolled up');
  });
});

describe('buildCalendar across requests in one week', () => {
  const daily = makeSchedule({ id: 'd', name: 'nightly', type: 'daily', time: '09:00', timeZone: 'UTC' });
  const at = (now: string, runs: TrainingRun[] = []) => {
    const when = new Date(now);
    return buildCalendar({ window: calendarWindow(when, 'UTC', 1, 1), now: when, schedules: [daily], history: historyFromRuns(runs), lastBlessedAt: {} });
  };

  it('splits the same window at each request\'s now: a slot that passed is missed, or covered by its run', () => {
    // Monday 2026-03-16 and Thursday 2026-03-19 share the window (2026-03-09 … 2026-03-22).
    const monday = at('2026-03-16T08:00:00Z');
    assert.deepEqual(Object.keys(monday.scheduled).sort(), ['2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22']);
    const thursday = at('2026-03-19T12:00:00Z');
    assert.deepEqual(Object.keys(thursday.scheduled).sort(), ['2026-03-20', '2026-03-21', '2026-03-22']);
    assert.equal(thursday.missed['2026-03-18']![0]!.fireTime, '2026-03-18T09:00:00.000Z');
    const covered = at('2026-03-19T12:00:00Z', [makeRun({ id: 'r', scheduleId: 'd', scheduledFor: '2026-03-18T09:00:00Z', startedAt: '2026-03-18T09:01:00Z', completedAt: '2026-03-18T10:00:00Z' })]);
    assert.equal(covered.missed['2026-03-18'], undefined);
    assert.deepEqual(covered.missed['2026-03-17']!.map((m) => m.slots), [1]);
    // Asked again at Monday's now, the window's kept fires give Monday's answer.
    assert.deepEqual(at('2026-03-16T08:00:00Z'), monday);
  });
});
