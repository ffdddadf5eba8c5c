import assert from 'node:assert/strict';
import { calendarCore, calendarWindow, expandCalendarCore, type CalendarCore } from '../../../shared/domain/calendar';
import { historyFromRuns } from '../../../shared/domain/calendar-rollups';
import { calendarDay, calendarGrid, GRID_PREVIEW } from '../../../shared/domain/calendar-grid';
import { Schedule } from '../../../shared/schemas/schedule';
import type { TrainingRun } from '../../../shared/schemas/training-run';
import { makeRun } from '../../support/fixtures';

const NOW = new Date('2026-03-25T12:00:00Z');

const makeSchedule = (over: Partial<Schedule> & Pick<Schedule, 'id' | 'type'>): Schedule => Schedule.parse({
  name: `sched-${over.id}`, familyId: 'recs-prod', modelType: 'retrieval', timeZone: 'UTC',
  pipelineTemplate: 'gs://p/t.json', state: 'active', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...over,
});

function calendarOf(schedules: Schedule[], runs: TrainingRun[] = []): CalendarCore {
  return calendarCore({ window: calendarWindow(NOW, 'UTC', 2, 2), now: NOW, schedules, history: historyFromRuns(runs), lastBlessedAt: {} });
}

describe('calendar grid', () => {
  const schedules = Array.from({ length: 8 }, (_, i) => makeSchedule({ id: `d${i}`, name: `daily-${i}`, type: 'daily', time: `0${i}:00` }));
  const runs = [
    ...Array.from({ length: 8 }, (_, i) => makeRun({ id: `r${i}`, scheduleId: `d${i}`, status: i === 7 ? 'failed' : 'completed', scheduledFor: `2026-03-24T0${i}:00:00Z`, startedAt: `2026-03-24T0${i}:01:00Z`, completedAt: `2026-03-24T0${i}:30:00Z` })),
    makeRun({ id: 'by-hand', familyId: 'ranking-q4', startedAt: '2026-03-24T10:00:00Z', completedAt: '2026-03-24T11:00:00Z' }),
  ];
  const core = calendarOf(schedules, runs);
  const full = expandCalendarCore(core);
  const grid = calendarGrid(core);

  it('counts every entry of every day, and names at most five', () => {
    for (const kind of ['scheduled', 'missed'] as const) {
      const byDay: Record<string, { scheduleId: string; fires?: number; slots?: number }[]> = full[kind];
      const countOf = (e: { fires?: number; slots?: number }) => e.fires ?? e.slots ?? 0;
      for (const [day, entries] of Object.entries(byDay)) {
        const counted = grid[kind][day]!;
        assert.equal(counted.count, entries.reduce((n, e) => n + countOf(e), 0), `${kind} ${day}`);
        assert.equal(counted.schedules, entries.length);
        assert.deepEqual(counted.top.map(([i, n]) => [grid.schedules[i]!.scheduleId, n]), entries.slice(0, GRID_PREVIEW).map((e) => [e.scheduleId, countOf(e)]));
      }
      assert.deepEqual(Object.keys(grid[kind]), Object.keys(full[kind]).filter((d) => full[kind][d]!.length > 0));
    }
  });

  it('lists the groups with a failed run first, then the day in its order, by schedule or by label', () => {
    const day = grid.historical['2026-03-24']!;
    assert.deepEqual([day.runs, day.statuses, day.groups], [9, { completed: 8, failed: 1 }, 9]);
    const names = day.top.map((g) => (g.schedule === undefined ? `label:${g.label}` : grid.schedules[g.schedule]!.name));
    assert.deepEqual(names, ['daily-7', ...full.historical['2026-03-24']!.filter((r) => r.label !== 'daily-7').slice(0, 4).map((r) => (r.scheduleId ? r.label : `label:${r.label}`))]);
  });

  it('keeps a day the same size however often its schedules fire', () => {
    const every = (cron: string) => calendarGrid(calendarOf([makeSchedule({ id: 'c', name: 'often', type: 'cron', cron })]));
    const minutely = every('* * * * *');
    const hourly = every('0 * * * *');
    assert.deepEqual(minutely.scheduled['2026-03-26'], { count: 1440, schedules: 1, top: [[0, 1440]] });
    assert.deepEqual(hourly.scheduled['2026-03-26'], { count: 24, schedules: 1, top: [[0, 24]] });
    // Only the counts' digits differ: 1440 against 24, twice.
    assert.equal(JSON.stringify(minutely.scheduled['2026-03-26']).length - JSON.stringify(hourly.scheduled['2026-03-26']).length, 4);
  });

  it("gives a day's every entry in seed 000's shape", () => {
    assert.deepEqual(calendarDay(full, '2026-03-24'), {
      date: '2026-03-24', tz: 'UTC', scheduled: [], historical: full.historical['2026-03-24'], missed: full.missed['2026-03-24'] ?? [], warnings: [],
    });
    assert.equal(calendarDay(full, '2026-03-24').historical.length, 9);
  });
});
