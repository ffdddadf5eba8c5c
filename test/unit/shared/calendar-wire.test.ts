import assert from 'node:assert/strict';
import { buildCalendar, calendarWindow, type CalendarResponse } from '../../../shared/domain/calendar';
import { historyFromRuns } from '../../../shared/domain/calendar-rollups';
import { compactCalendar, expandCalendar } from '../../../shared/domain/calendar-wire';
import { Schedule } from '../../../shared/schemas/schedule';
import { CalendarResponseSchema } from '../../../shared/schemas/responses';
import { makeRun } from '../../support/fixtures';

const NOW = new Date('2026-03-25T12:00:00Z');

const makeSchedule = (over: Partial<Schedule> & Pick<Schedule, 'id' | 'type'>): Schedule => Schedule.parse({
  name: `sched-${over.id}`, familyId: 'recs-prod', modelType: 'retrieval', timeZone: 'Europe/Warsaw',
  pipelineTemplate: 'gs://p/t.json', state: 'active', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...over,
});

/** Two weeks each side of 2026-03-25 in Warsaw: the window crosses the 29 March daylight-saving change. */
function calendarOf(schedules: Schedule[], runs = [makeRun({ id: 'x' })].slice(0, 0)): CalendarResponse {
  return buildCalendar({ window: calendarWindow(NOW, 'Europe/Warsaw', 2, 2), now: NOW, schedules, history: historyFromRuns(runs), lastBlessedAt: {} });
}

/** Through JSON, as a client receives it. */
const sent = (response: CalendarResponse) => JSON.parse(JSON.stringify(compactCalendar(response)));

describe('calendar wire format', () => {
  const schedules = [
    makeSchedule({ id: 'hourly', type: 'cron', cron: '0 * * * *', timeZone: 'UTC' }),
    makeSchedule({ id: 'weekly', type: 'weekly', dayOfWeek: 2, time: '09:00' }),
    makeSchedule({ id: 'ny', name: 'ny-nightly', familyId: 'ranking-q4', modelType: 'ranking', type: 'cron', cron: '30 1 * * *', timeZone: 'America/New_York' }),
  ];
  const runs = [
    makeRun({ id: 'scheduled', scheduleId: 'weekly', scheduledFor: '2026-03-17T08:00:00Z', startedAt: '2026-03-17T08:01:00Z', completedAt: '2026-03-17T09:00:00Z', versionId: 'recs-prod-v3' }),
    makeRun({ id: 'failed', scheduleId: 'weekly', status: 'failed', startedAt: '2026-03-17T10:00:00Z', completedAt: '2026-03-17T11:00:00Z' }),
    // By hand, and from a schedule that is no longer active: both spelled out rather than referenced.
    makeRun({ id: 'manual', familyId: 'ranking-q4', modelType: 'ranking', startedAt: '2026-03-18T10:00:00Z', completedAt: '2026-03-18T11:00:00Z' }),
    makeRun({ id: 'gone', scheduleId: 'deleted-schedule', startedAt: '2026-03-19T10:00:00Z', completedAt: '2026-03-19T11:00:00Z' }),
    // An active schedule's run under another family than the schedule's own now.
    makeRun({ id: 'moved', scheduleId: 'ny', familyId: 'old-family', modelType: 'ranking', startedAt: '2026-03-20T10:00:00Z', completedAt: '2026-03-20T11:00:00Z' }),
  ];

  it('expands back to exactly the per-day entries it was made from, across a daylight-saving change', () => {
    const full = calendarOf(schedules, runs);
    assert.ok(Object.keys(full.missed).length > 0 && Object.keys(full.historical).length === 4);
    assert.deepEqual(expandCalendar(sent(full)), full);
  });

  it('matches the response schema the API documents', () => {
    const wire = sent(calendarOf(schedules, runs));
    assert.deepEqual(CalendarResponseSchema.parse(wire), wire);
  });

  it('lists each schedule once, and its days as series of equal first fire and count', () => {
    const wire = sent(calendarOf(schedules));
    assert.deepEqual(wire.schedules.map((s: { scheduleId: string }) => s.scheduleId).sort(), ['hourly', 'ny', 'weekly']);
    const hourly = wire.schedules.findIndex((s: { scheduleId: string }) => s.scheduleId === 'hourly');
    const day = (d: string) => wire.window.days.indexOf(d);
    const covering = (d: number) => wire.scheduled.find(([i, first, n, stride]: [number, number, number, number]) => i === hourly && d >= first && d < first + n * stride && (d - first) % stride === 0)?.slice(4);
    // Sunday 29 March in Warsaw is 23 hours long: 23 fires from 00:00 local (23:00 UTC the day before).
    assert.deepEqual(covering(day('2026-03-28')), [0, 24]);
    assert.deepEqual(covering(day('2026-03-29')), [0, 23]);
    // After the change, local midnight is 60 minutes earlier than the day's nominal start.
    assert.deepEqual(covering(day('2026-03-30')), [-60, 24]);
    // Four series: today from now, the whole days before the change, the short day, every day after it.
    assert.deepEqual(wire.scheduled.filter((s: number[]) => s[0] === hourly).map((s: number[]) => [wire.window.days[s[1]!], s[2], s[4]]), [
      [wire.window.today, 1, 780], ['2026-03-26', 3, 0], ['2026-03-29', 1, 0], ['2026-03-30', 7, -60],
    ]);
  });

  it('spells out history whose group is not an active schedule of the same family', () => {
    const wire = sent(calendarOf(schedules, runs));
    const byRun = Object.fromEntries(Object.values(wire.historical).flat().map((r: any) => [r.runId, r]));
    assert.equal(typeof byRun['failed'].schedule, 'number');
    assert.equal(byRun['failed'].label, undefined);
    assert.deepEqual([byRun['manual'].schedule, byRun['manual'].familyId, byRun['manual'].label], [undefined, 'ranking-q4', 'ranking-q4']);
    assert.deepEqual([byRun['gone'].schedule, byRun['gone'].scheduleId], [undefined, 'deleted-schedule']);
    assert.deepEqual([byRun['moved'].schedule, byRun['moved'].familyId], [undefined, 'old-family']);
  });

  it('does not grow with how often a schedule fires: every minute costs what once a day does', () => {
    const bytes = (cron: string) => JSON.stringify(sent(calendarOf([makeSchedule({ id: 's', type: 'cron', cron, timeZone: 'UTC' })]))).length;
    const full = (cron: string) => JSON.stringify(calendarOf([makeSchedule({ id: 's', type: 'cron', cron, timeZone: 'UTC' })])).length;
    // A daily cron is one series; every minute is a few (the first and last days are partial, as the
    // projection stops at MAX_FIRE_TIMES) and the truncation warning: a constant, not × 1,440 or × days.
    assert.ok(bytes('* * * * *') - bytes('0 3 * * *') <= 300, `${bytes('* * * * *')} vs ${bytes('0 3 * * *')}`);
    assert.ok(bytes('0 3 * * *') < full('0 3 * * *') / 2);
  });
});
