import assert from 'node:assert/strict';
import request from 'supertest';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import { seedRegistry } from '../../../dev/demo/seed';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { rebuildCalendarRollups } from '../../../functions/src/adapters/firestore/calendar-rollup-store';
import { FirestoreCalendarRunRepository } from '../../../functions/src/adapters/firestore/calendar-run-repository';
import { FirestoreTrainingRunStore } from '../../../functions/src/adapters/firestore/training-run-store';
import { FirestoreScheduleRepository } from '../../../functions/src/adapters/firestore/schedule-repository';
import { FirestoreScheduleStore } from '../../../functions/src/adapters/firestore/schedule-store';
import { reconcileScheduleIndex } from '../../../functions/src/adapters/firestore/schedule-index';
import { reconcileFamilyFreshness } from '../../../functions/src/adapters/firestore/summary-counters';
import { ScheduleRecord } from '../../../shared/schemas/schedule-api';
import { CalendarReader } from '../../../functions/src/app/calendar';
import { createApiHandler } from '../../../functions/src/http/api-handler';
import { createAuthenticator } from '../../../functions/src/http/auth';
import { calendarRoutes } from '../../../functions/src/http/routes/calendar-routes';
import { devTokenVerifier } from '../../../functions/src/http/token-verifiers';
import { createLogger } from '../../../functions/src/log';
import type { CalendarResponse } from '../../../shared/domain/calendar';
import { expandCalendar, type CalendarWire } from '../../../shared/domain/calendar-wire';
import type { CalendarGrid } from '../../../shared/domain/calendar-grid';
import { MAX_FIRE_TIMES } from '../../../shared/domain/schedule-projection';
import { Schedule } from '../../../shared/schemas/schedule';
import { Family } from '../../../shared/schemas/family';
import { TEST_SECRET, tokenFor } from '../../support/api';
import { makeRun, makeVersion } from '../../support/fixtures';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

/** Wednesday 2026-03-18 12:00 UTC: with 2 + 2 weeks in Warsaw the window is Mon 2026-03-02 … Sun 2026-03-29. */
const NOW = new Date('2026-03-18T12:00:00Z');

/**
 * The calendar route behind the real front door (router, auth, errors) on the functions framework,
 * with a fixed clock, until it is wired into functions/src/functions/api.ts.
 */
async function calendarTestServer() {
  const emulator = await sharedFirestoreEmulator();
  const firestore = lazyFirestore({ projectId: emulator.projectId, databaseId: '(default)' });
  const reads = { count: 0 };
  const meter = { add: (n: number) => { reads.count += n; } };
  const reader = new CalendarReader(
    new FirestoreScheduleRepository(firestore, meter),
    new FirestoreCalendarRunRepository(firestore, meter),
    { now: () => NOW },
  );
  http('calendar-api-test', createApiHandler({
    routes: calendarRoutes(reader),
    authenticator: createAuthenticator(devTokenVerifier(TEST_SECRET), {}, null),
    corsOrigins: [],
    log: createLogger('CRITICAL'),
  }));
  return { server: getTestServer('calendar-api-test'), reads };
}

const family = (id: string): Family => Family.parse({ id, name: id, modelType: 'retrieval', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
const schedule = (over: Partial<Schedule> & Pick<Schedule, 'id' | 'type'>): Schedule => Schedule.parse({
  name: `sched-${over.id}`, familyId: 'recs-prod', modelType: 'retrieval', timeZone: 'Europe/Warsaw', pipelineTemplate: 'gs://p/t.json',
  state: 'active', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...over,
});

describe('training calendar API (functions framework + Firestore emulator)', () => {
  let server: Awaited<ReturnType<typeof calendarTestServer>>['server'];
  let reads: { count: number };
  let db: Firestore;
  let viewer: string;

  before(async () => {
    db = await testFirestore();
    ({ server, reads } = await calendarTestServer());
    viewer = await tokenFor('viewer');
  });

  beforeEach(async () => {
    await (await sharedFirestoreEmulator()).reset();
    reads.count = 0;
  });

  const get = (path: string, token: string | null = viewer) => {
    const r = request(server).get(path);
    return token ? r.set('Authorization', `Bearer ${token}`) : r;
  };
  /** The whole window as sent, and seed 000's per-day entries expanded from it. */
  const calendarWire = async (query: string): Promise<CalendarWire> =>
    (await get(`/api/training-schedules/calendar/full?${query}`).expect(200)).body;
  const grid = async (query: string): Promise<CalendarGrid> => (await get(`/api/training-schedules/calendar?${query}`).expect(200)).body;
  const calendar = async (query: string): Promise<CalendarResponse> => expandCalendar(await calendarWire(query));

  it('answers 401 without a bearer token', async () => {
    const res = await get('/api/training-schedules/calendar', null).expect(401);
    assert.equal(res.body.error.code, 'UNAUTHENTICATED');
  });

  it('returns history, planned slots, missed slots and family freshness from Firestore', async () => {
    await seedRegistry(db, {
      schedules: [
        schedule({ id: 'weekly', name: 'recs-weekly-refresh', type: 'weekly', dayOfWeek: 2, time: '09:00' }),
        schedule({ id: 'nightly', name: 'ranking-nightly', familyId: 'ranking-q4', modelType: 'ranking', type: 'cron', cron: '0 2 * * 1-5', timeZone: 'America/New_York', createdAt: '2026-03-26T00:00:00Z' }),
        schedule({ id: 'paused', type: 'daily', time: '03:00', state: 'paused' }),
      ],
      runs: [
        makeRun({ id: '41', scheduleId: 'weekly', scheduledFor: '2026-03-04T08:00:00Z', startedAt: '2026-03-04T08:01:00Z', completedAt: '2026-03-04T09:30:00Z', versionId: 'recs-prod-v2' }),
        makeRun({ id: '42', scheduleId: 'weekly', status: 'failed', startedAt: '2026-03-11T08:05:00Z', completedAt: '2026-03-11T23:30:00Z' }),
      ],
      versions: [
        makeVersion({ familyId: 'recs-prod', version: 2, blessed: true, registeredAt: '2026-03-04T09:31:00Z' }),
        makeVersion({ familyId: 'recs-prod', version: 3, blessed: false, registeredAt: '2026-03-16T09:00:00Z' }),
        makeVersion({ familyId: 'ranking-q4', version: 1, modelType: 'ranking', blessed: true, registeredAt: '2026-01-10T00:00:00Z' }),
      ],
    });

    const body = await calendar('weeks_past=2&weeks_future=2&tz=Europe/Warsaw');

    assert.deepEqual(body.window, {
      start: '2026-03-01T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z', tz: 'Europe/Warsaw', weeksPast: 2, weeksFuture: 2,
      today: '2026-03-18', days: body.window.days,
    });
    assert.equal(body.window.days.length, 28);
    // Run 42 completed at 00:30 on the 12th in Warsaw.
    assert.deepEqual(Object.fromEntries(Object.entries(body.historical).map(([d, runs]) => [d, runs.map((r) => `${r.runId}:${r.status}`)])), {
      '2026-03-04': ['41:completed'], '2026-03-12': ['42:failed'],
    });
    assert.deepEqual(body.missed, { '2026-03-18': [{ scheduleId: 'weekly', name: 'recs-weekly-refresh', familyId: 'recs-prod', fireTime: '2026-03-18T08:00:00.000Z', slots: 1 }] });
    // The nightly job starts on Thursday the 26th (02:00 New York = 07:00 Warsaw), the weekly one fires on the 25th.
    assert.deepEqual(Object.fromEntries(Object.entries(body.scheduled).map(([d, slots]) => [d, slots.map((s) => s.scheduleId)])), {
      '2026-03-25': ['weekly'], '2026-03-26': ['nightly'], '2026-03-27': ['nightly'],
    });
    assert.equal(body.scheduled['2026-03-26']![0]!.description, 'Cron 0 2 * * 1-5 (America/New_York)');
    assert.deepEqual(body.families, [
      { familyId: 'ranking-q4', lastBlessedAt: '2026-01-10T00:00:00.000Z', daysSinceLastBlessed: 67 },
      { familyId: 'recs-prod', lastBlessedAt: '2026-03-04T09:31:00.000Z', daysSinceLastBlessed: 14 },
    ]);
    assert.deepEqual(body.warnings, []);
  });

  it('sends each schedule once and its days as series with counts, however often it fires', async () => {
    await seedRegistry(db, {
      schedules: [
        schedule({ id: 'minutely', name: 'every-minute', type: 'cron', cron: '* * * * *', timeZone: 'UTC' }),
        schedule({ id: 'nightly', name: 'nightly', type: 'daily', time: '03:00', timeZone: 'UTC' }),
      ],
    });

    const wire = await calendarWire('weeks_past=0&weeks_future=1&tz=UTC');

    assert.deepEqual(wire.schedules.map((s) => [s.scheduleId, s.name, s.description]).sort(), [
      ['minutely', 'every-minute', 'Cron * * * * * (UTC)'], ['nightly', 'nightly', 'Daily at 03:00 (UTC)'],
    ]);
    const minutely = wire.schedules.findIndex((s) => s.scheduleId === 'minutely');
    const nightly = wire.schedules.findIndex((s) => s.scheduleId === 'nightly');
    const series = (i: number) => wire.scheduled.filter((s) => s[0] === i).map((s) => s.slice(1));
    const today = wire.window.days.indexOf('2026-03-18');
    const thursday = wire.window.days.indexOf('2026-03-19');
    const rest = wire.window.days.length - thursday;
    // Today from 12:00 (now) on: 720 fires; from Thursday on, every day, 1,440 fires from 00:00, until the
    // projection stops at MAX_FIRE_TIMES (and says so in a warning) during the last day.
    const fullDays = Math.floor((MAX_FIRE_TIMES - 720) / 1440);
    assert.deepEqual(series(minutely), [[today, 1, 1, 720, 720], [thursday, fullDays, 1, 0, 1440], [thursday + fullDays, 1, 1, 0, (MAX_FIRE_TIMES - 720) % 1440]]);
    // Today's nightly fire is already past: one series from Thursday, daily at 03:00.
    assert.deepEqual(series(nightly), [[thursday, rest, 1, 180]]);
    assert.equal(wire.scheduled.length, 4, 'four series for the whole window');
    const expanded = expandCalendar(wire);
    assert.deepEqual(expanded.scheduled['2026-03-19']!.map((s) => [s.name, s.fires, s.fireTime]), [
      ['every-minute', 1440, '2026-03-19T00:00:00.000Z'], ['nightly', 1, '2026-03-19T03:00:00.000Z'],
    ]);
  });

  it('draws the grid from counts: per day its runs, fires and missed slots, naming at most five schedules, failures first', async () => {
    const daily = Array.from({ length: 7 }, (_, i) => schedule({ id: `d${i}`, name: `daily-${i}`, type: 'daily', time: `0${i}:30`, timeZone: 'UTC' }));
    await seedRegistry(db, {
      schedules: [...daily, schedule({ id: 'minutely', name: 'every-minute', type: 'cron', cron: '* * * * *', timeZone: 'UTC' })],
      runs: Array.from({ length: 7 }, (_, i) => makeRun({
        id: `r${i}`, scheduleId: `d${i}`, status: i === 6 ? 'failed' : 'completed',
        scheduledFor: `2026-03-17T0${i}:30:00Z`, startedAt: `2026-03-17T0${i}:31:00Z`, completedAt: `2026-03-17T0${i}:50:00Z`,
      })),
    });

    const body = await grid('weeks_past=1&weeks_future=1&tz=UTC');

    const names = (refs: number[]) => refs.map((i) => body.schedules[i]!.name);
    const tuesday = body.historical['2026-03-17']!;
    assert.deepEqual([tuesday.runs, tuesday.statuses, tuesday.groups], [7, { completed: 6, failed: 1 }, 7]);
    assert.deepEqual(names(tuesday.top.map((g) => g.schedule!)), ['daily-6', 'daily-0', 'daily-1', 'daily-2', 'daily-3']);
    // Thursday: seven daily fires and the every-minute schedule's 1,440, listed once with its count.
    const thursday = body.scheduled['2026-03-19']!;
    assert.deepEqual([thursday.count, thursday.schedules, thursday.top.length], [7 + 1440, 8, 5]);
    assert.deepEqual(thursday.top.map(([i, n]) => [body.schedules[i]!.name, n]), [
      ['every-minute', 1440], ['daily-0', 1], ['daily-1', 1], ['daily-2', 1], ['daily-3', 1],
    ]);
    // Monday the 16th: no run, so every daily slot was missed.
    assert.deepEqual([body.missed['2026-03-16']!.count, body.missed['2026-03-16']!.schedules], [7, 7]);
    assert.equal(body.historical['2026-03-16'], undefined);
  });

  it("lists a day's every entry in seed 000's shape, as the whole window has them", async () => {
    await seedRegistry(db, {
      schedules: [
        schedule({ id: 'weekly', name: 'recs-weekly-refresh', type: 'weekly', dayOfWeek: 2, time: '09:00' }),
        schedule({ id: 'hourly', name: 'every-hour', type: 'cron', cron: '0 * * * *', timeZone: 'UTC' }),
      ],
      runs: [
        makeRun({ id: '41', scheduleId: 'weekly', scheduledFor: '2026-03-11T08:00:00Z', startedAt: '2026-03-11T08:01:00Z', completedAt: '2026-03-11T09:30:00Z', versionId: 'recs-prod-v2' }),
        makeRun({ id: '42', familyId: 'recs-prod', startedAt: '2026-03-11T12:00:00Z', completedAt: '2026-03-11T13:00:00Z' }),
      ],
    });
    const full = await calendar('weeks_past=2&weeks_future=2&tz=Europe/Warsaw');
    for (const date of ['2026-03-11', '2026-03-18', '2026-03-25']) {
      const day = (await get(`/api/training-schedules/calendar/days/${date}?tz=Europe/Warsaw`).expect(200)).body;
      assert.deepEqual(day, {
        date, tz: 'Europe/Warsaw', scheduled: full.scheduled[date] ?? [], historical: full.historical[date] ?? [], missed: full.missed[date] ?? [],
        warnings: day.warnings,
      }, date);
    }
    const past = (await get('/api/training-schedules/calendar/days/2026-03-11?tz=Europe/Warsaw').expect(200)).body;
    assert.deepEqual(past.historical.map((r: { runId: string; label: string }) => [r.runId, r.label]), [['41', 'recs-weekly-refresh'], ['42', 'recs-prod']]);
  });

  it('answers 400 to a day that is not a calendar date, or with unknown parameters', async () => {
    for (const [path, field] of [
      ['/days/2026-02-30', 'params.date'], ['/days/yesterday', 'params.date'], ['/days/2026-03-18?weeks_past=1', 'query'], ['/days/2026-03-18?tz=Mars/Olympus_Mons', 'query.tz'],
    ] as const) {
      const res = await get(`/api/training-schedules/calendar${path}`).expect(400);
      assert.deepEqual([res.body.error.code, res.body.error.fields.map((f: { path: string }) => f.path)], ['VALIDATION_FAILED', [field]], path);
    }
  });

  it('uses the seed defaults (10 past + 30 future weeks, UTC) and serves the seed URL with a trailing slash', async () => {
    const res = await get('/api/training-schedules/calendar/').expect(200);
    assert.deepEqual([res.body.window.tz, res.body.window.weeksPast, res.body.window.weeksFuture, res.body.window.days.length], ['UTC', 10, 30, 280]);
    assert.equal(res.body.window.start, '2026-01-05T00:00:00.000Z');
  });

  it('reads one rollup per week of the window, however many runs there are in it or before it', async () => {
    const old = Array.from({ length: 60 }, (_, i) => makeRun({
      id: `old-${i}`, startedAt: new Date(Date.parse('2025-01-01T00:00:00Z') + i * 86_400_000).toISOString(),
    }));
    await seedRegistry(db, { runs: [...old, makeRun({ id: 'recent', startedAt: '2026-03-10T10:00:00Z' })] });
    const body = await calendar('weeks_past=2&weeks_future=2');
    assert.deepEqual(Object.values(body.historical).flat().map((r) => r.runId), ['recent']);
    // 4 weeks (the lookback's and the window's up to now: later ones cannot hold ended runs) + the
    // schedule index (never built here, so also the schedules query: 1 + 1) + runs in flight (2 queries,
    // empty) + the 2 counter shards holding the families' last blessings
    assert.equal(reads.count, 10);

    const many = Array.from({ length: 500 }, (_, i) => makeRun({
      id: `many-${i}`, status: i % 5 === 0 ? 'failed' : 'completed', startedAt: new Date(Date.parse('2026-03-09T00:00:00Z') + i * 600_000).toISOString(),
    }));
    await seedRegistry(db, { runs: many });
    reads.count = 0;
    const after = await calendar('weeks_past=2&weeks_future=2');
    assert.equal(reads.count, 10);
    const entries = Object.values(after.historical).flat();
    assert.equal(entries.reduce((n, e) => n + e.runs, 0), 501);
    assert.equal(entries.reduce((n, e) => n + (e.statuses.failed ?? 0), 0), 100);
  });

  it('counts an outcome recorded by the run store in the same transaction, and the backfill rebuilds the same rollups', async () => {
    await seedRegistry(db, {
      schedules: [schedule({ id: 'weekly', name: 'recs-weekly-refresh', type: 'weekly', dayOfWeek: 2, time: '09:00' })],
      runs: [
        makeRun({ id: '51', scheduleId: 'weekly', status: 'running', scheduledFor: '2026-03-11T08:00:00Z', startedAt: '2026-03-11T08:01:00Z' }),
        makeRun({ id: '52', scheduleId: 'weekly', status: 'running', startedAt: '2026-03-11T09:00:00Z' }),
      ],
    });
    const inFlight = await calendar('weeks_past=2&weeks_future=2&tz=Europe/Warsaw');
    assert.deepEqual(inFlight.historical['2026-03-11']!.map((r) => [r.runs, r.statuses]), [[2, { running: 2 }]]);

    const store = new FirestoreTrainingRunStore(lazyFirestore({ projectId: (await sharedFirestoreEmulator()).projectId, databaseId: '(default)' }));
    const outcome = { metrics: {}, evaluation: null, blessed: true, error: null };
    assert.equal(await store.recordOutcome('51', { ...outcome, status: 'completed' }, '2026-03-11T10:00:00Z'), true);
    assert.equal(await store.recordOutcome('52', { ...outcome, status: 'failed', blessed: null, error: 'boom' }, '2026-03-11T10:05:00Z'), true);
    // A second delivery of the same outcome changes nothing, rollups included.
    assert.equal(await store.recordOutcome('51', { ...outcome, status: 'completed' }, '2026-03-11T10:00:00Z'), false);
    const ended = await calendar('weeks_past=2&weeks_future=2&tz=Europe/Warsaw');
    assert.deepEqual(ended.historical['2026-03-11']!.map((r) => [r.runs, r.statuses, r.runId]), [[2, { completed: 1, failed: 1 }, '52']]);
    // Run 51 was due at the slot of the 11th: the rollup's due count still covers it.
    assert.deepEqual(Object.keys(ended.missed), ['2026-03-04', '2026-03-18']);

    const weeks = async () => Object.fromEntries((await db.collection('calendarWeeks').get()).docs.map((d) => [d.id, d.data()]));
    const live = await weeks();
    await db.collection('calendarWeeks').doc('2020-01-06').set({ weekStart: '2020-01-06', groups: {}, placed: {}, due: {}, latest: {} });
    assert.deepEqual(await rebuildCalendarRollups(db), { runs: 2, weeks: 1, removed: 1 });
    assert.deepEqual(await weeks(), live);
    assert.deepEqual(await rebuildCalendarRollups(db), { runs: 2, weeks: 1, removed: 0 });
    assert.deepEqual(await weeks(), live);
  });

  it('reads its schedules from one index document that every schedule write keeps, and the reconcile rebuilds it after writes made around it', async () => {
    const handle = lazyFirestore({ projectId: (await sharedFirestoreEmulator()).projectId, databaseId: '(default)' });
    const store = new FirestoreScheduleStore(handle);
    const record = (id: string, name: string) => ScheduleRecord.parse(schedule({ id, name, type: 'daily', time: '03:00', timeZone: 'UTC' }));
    for (let i = 0; i < 12; i++) await store.create(record(`s${i}`, `daily-${i}`));
    await store.update('s3', (s) => ({ ...s, state: 'paused' }));
    await store.update('s4', (s) => ({ ...s, name: 'renamed' }));
    assert.equal(await store.delete('s5'), true);
    await assert.rejects(store.create(record('s0', 'again')), /already exists/);

    reads.count = 0;
    const names = async () => (await calendar('weeks_past=0&weeks_future=1&tz=UTC')).scheduled['2026-03-19']!.map((s) => s.name).sort();
    const expected = ['daily-0', 'daily-1', 'daily-10', 'daily-11', 'daily-2', 'daily-6', 'daily-7', 'daily-8', 'daily-9', 'renamed'];
    assert.deepEqual(await names(), expected);
    // 10 active schedules, one read: 2 weeks + the index + runs in flight (2) + counter shards (2).
    assert.equal(reads.count, 7);

    // A write that went around the store (a restore, a script): the reconcile finds and repairs it.
    await db.collection('schedules').doc('s1').update({ name: 'edited-by-hand' });
    assert.deepEqual(await reconcileScheduleIndex(await handle()), { schedules: 10, repaired: true });
    assert.deepEqual(await reconcileScheduleIndex(await handle()), { schedules: 10, repaired: false });
    assert.deepEqual(await names(), expected.map((n) => (n === 'daily-1' ? 'edited-by-hand' : n)).sort());

    // An index whose entries are maps (as written before they became JSON strings) is still read, and the reconcile rewrites it.
    const index = db.collection('calendarSchedules').doc('active');
    const entries = (await index.get()).data()!.schedules as Record<string, string>;
    assert.ok(Object.values(entries).every((entry) => typeof entry === 'string'));
    await index.set({ schedules: Object.fromEntries(Object.entries(entries).map(([id, entry]) => [id, JSON.parse(entry)])) });
    assert.deepEqual(await names(), expected.map((n) => (n === 'daily-1' ? 'edited-by-hand' : n)).sort());
    assert.deepEqual(await reconcileScheduleIndex(await handle()), { schedules: 10, repaired: true });
    assert.deepEqual((await index.get()).data()!.schedules, entries);
  });

  it("reads the families' last blessings from the counter shards, and the reconcile repairs them after a blessed version is deleted", async () => {
    await seedRegistry(db, {
      families: [family('recs-prod'), family('ranking-q4')],
      schedules: [schedule({ id: 'weekly', name: 'recs-weekly-refresh', type: 'weekly', dayOfWeek: 2, time: '09:00' })],
      versions: [
        makeVersion({ familyId: 'recs-prod', version: 1, blessed: true, registeredAt: '2026-03-01T00:00:00Z' }),
        makeVersion({ familyId: 'recs-prod', version: 2, blessed: true, registeredAt: '2026-03-15T00:00:00Z' }),
        makeVersion({ familyId: 'ranking-q4', version: 1, modelType: 'ranking', blessed: false, registeredAt: '2026-03-10T00:00:00Z' }),
      ],
    });
    const freshness = async () => Object.fromEntries((await calendar('weeks_past=1&weeks_future=1')).families.map((f) => [f.familyId, f.daysSinceLastBlessed]));
    assert.deepEqual(await freshness(), { 'recs-prod': 3 });
    const handle = lazyFirestore({ projectId: (await sharedFirestoreEmulator()).projectId, databaseId: '(default)' });
    assert.deepEqual(await reconcileFamilyFreshness(await handle()), { families: 2, repaired: false });

    await db.collection('versions').doc('recs-prod-v2').delete();
    assert.deepEqual(await reconcileFamilyFreshness(await handle()), { families: 2, repaired: true });
    assert.deepEqual(await freshness(), { 'recs-prod': 17 });
  });

  it('names the time zone in its IANA spelling', async () => {
    const body = await calendar('tz=europe/warsaw&weeks_past=0&weeks_future=1');
    assert.equal(body.window.tz, 'Europe/Warsaw');
  });

  it('answers 400 naming every invalid query field', async () => {
    const res = await get('/api/training-schedules/calendar?weeks_past=53&weeks_future=-1&tz=Mars/Olympus_Mons').expect(400);
    assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path).sort(), ['query.tz', 'query.weeks_future', 'query.weeks_past']);
  });

  it('answers 400 to unknown, repeated or non-numeric parameters and to an empty window', async () => {
    for (const [query, path] of [
      ['week=3', 'query'], ['tz=UTC&tz=Europe/Warsaw', 'query.tz'], ['weeks_past=ten', 'query.weeks_past'],
      ['weeks_past=1.5', 'query.weeks_past'], ['weeks_past=0&weeks_future=0', 'query.weeks_future'],
    ] as const) {
      const res = await get(`/api/training-schedules/calendar?${query}`).expect(400);
      assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path), [path], query);
    }
  });
});
