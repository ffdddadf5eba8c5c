import type { Firestore } from '@google-cloud/firestore';
import { seedRegistry } from '../dev/demo/seed';
import { lazyFirestore, type FirestoreProvider } from '../functions/src/adapters/firestore/client';
import type { Clock, ReadMeter } from '../shared/ports';
import { FirestoreCalendarRunRepository } from '../functions/src/adapters/firestore/calendar-run-repository';
import { FirestoreScheduleRepository } from '../functions/src/adapters/firestore/schedule-repository';
import { CalendarReader } from '../functions/src/app/calendar';
import { Schedule } from '../shared/schemas/schedule';
import { TrainingRun } from '../shared/schemas/training-run';
import { MODEL_TYPES } from '../shared/schemas/common';
import { gzipSync } from 'node:zlib';
import { compactCalendar } from '../shared/domain/calendar-wire';
import { calendarGrid } from '../shared/domain/calendar-grid';
import { median, percentile, round } from './stats';
import { startFirestoreEmulator } from '../dev/emulators/firestore';
import { calendarWindow, expandCalendarCore } from '../shared/domain/calendar';
import { weekIdsBetween } from '../shared/domain/calendar-rollups';
import { CALENDAR_LIMITS, RUN_LOOKBACK_MS } from '../functions/src/app/calendar';
import { COLLECTIONS } from '../functions/src/adapters/firestore/collections';
import { scheduleIndexRef } from '../functions/src/adapters/firestore/schedule-index';
import { SUMMARY_SHARDS, summaryShardRefs } from '../functions/src/adapters/firestore/summary-counters';
import { parseConfig } from '../functions/src/config';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { apiGetter, measureCall, type Call, type CallRow } from './api-vs-direct';

const DAY = 86_400_000;

function schedules(n: number, now: Date): Schedule[] {
  const created = new Date(now.getTime() - 120 * DAY).toISOString();
  return Array.from({ length: n }, (_, i) => Schedule.parse({
    id: `bench-s${i}`, name: `bench-schedule-${i}`, familyId: `bench-fam-${i % 50}`, modelType: MODEL_TYPES[i % 4],
    type: i === 0 ? 'cron' : (['daily', 'weekly', 'cron'] as const)[i % 3], time: '03:00', dayOfWeek: i % 7,
    cron: i === 0 ? '* * * * *' : `${i % 60} ${i % 24} * * 1-5`,
    timeZone: ['Europe/Warsaw', 'America/New_York', 'UTC'][i % 3], pipelineTemplate: 'gs://t/p.json', state: 'active',
    createdAt: created, updatedAt: created,
  }));
}

/** `count` runs spread evenly over [from, to). */
function runs(count: number, from: number, to: number, offset: number): TrainingRun[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const started = new Date(from + ((to - from) * k) / count);
    return TrainingRun.parse({
      id: `bench-r${i}`, name: `TR-${i}`, runNumber: i + 1, familyId: `bench-fam-${i % 50}`, modelType: MODEL_TYPES[i % 4],
      status: i % 13 === 0 ? 'failed' : 'completed', runId: `tr-${i}-x`, scheduleId: `bench-s${i % 500}`,
      startedAt: started.toISOString(), completedAt: new Date(started.getTime() + 3_600_000).toISOString(),
    });
  });
}

async function seedRuns(db: Firestore, list: TrainingRun[]) {
  for (let i = 0; i < list.length; i += 2000) await seedRegistry(db, { runs: list.slice(i, i + 2000) });
}

/** The calendar use case on Firestore, as the API composes it, its reads counted by `meter`. */
export function calendarReader(firestore: FirestoreProvider, meter: ReadMeter, clock: Clock = { now: () => new Date() }): CalendarReader {
  return new CalendarReader(new FirestoreScheduleRepository(firestore, meter), new FirestoreCalendarRunRepository(firestore, meter), clock);
}

export interface CalendarBenchRow {
  scenario: string; schedules: number; runsInWindow: number; runsOutside: number;
  /** The grid the dashboard draws (`GET /api/training-schedules/calendar`). */
  reads: number; kb: number; gzipKb: number; p50: number; p95: number; truncated: boolean;
  /** A day's every entry (`/calendar/days/{date}`, yesterday: the popover), and the whole window's (`/calendar/full`). */
  dayReads: number; dayKb: number; fullKb: number; fullGzipKb: number;
  /** The grid through the API against the hand-written reads of the same documents (when an API is given). */
  call?: CallRow;
}

/** How bench/calendar.ts reaches the API for the API-against-direct row. */
export interface CalendarApi {
  config: ReturnType<typeof parseConfig>;
  token: string;
}

/**
 * The grid's documents read the way a developer would by hand, all in one round trip: the window's
 * week rollups up to now, the schedule index and the counter shards, and the two in-flight queries.
 */
function calendarCall(db: Firestore, query: { tz: string; weeksPast: number; weeksFuture: number }): Call {
  const window = calendarWindow(new Date(), query.tz, query.weeksPast, query.weeksFuture);
  const weeks = weekIdsBetween(window.start.getTime() - RUN_LOOKBACK_MS, Date.now()).map((id) => db.collection(COLLECTIONS.calendarWeeks).doc(id));
  const shards = summaryShardRefs(db);
  const runs = db.collection(COLLECTIONS.trainingRuns);
  const limit = CALENDAR_LIMITS.inFlightRuns + 1;
  return {
    call: 'training calendar',
    route: `/api/training-schedules/calendar?tz=${encodeURIComponent(query.tz)}&weeks_past=${query.weeksPast}&weeks_future=${query.weeksFuture}`,
    direct: `getAll of ${weeks.length} week rollups + the schedule index + ${SUMMARY_SHARDS} counter shards ∥ status == running ∥ status == scheduled before the window's end`,
    query: () => Promise.all([
      db.getAll(...weeks, scheduleIndexRef(db), ...shards),
      runs.where('status', '==', 'running').orderBy('startedAt').limit(limit).get(),
      runs.where('status', '==', 'scheduled').where('scheduledFor', '<', window.end.toISOString()).orderBy('scheduledFor').limit(limit).get(),
    ]),
  };
}

/** Calendar reads, bytes and latency for 500 active schedules, as history grows outside and inside the window. */
export async function benchCalendar(db: Firestore, projectId: string, requests = 2, viaApi?: CalendarApi): Promise<CalendarBenchRow[]> {
  const now = new Date();
  await seedRegistry(db, { schedules: schedules(500, now) });
  const windowStart = now.getTime() - 70 * DAY;
  let reads = 0;
  const firestore = lazyFirestore({ projectId, databaseId: '(default)' });
  const meter = { add: (n: number) => { reads += n; } };
  const reader = calendarReader(firestore, meter, { now: () => now });
  const kbOf = (body: unknown) => {
    const bytes = Buffer.from(JSON.stringify(body));
    return { kb: round(bytes.byteLength / 1024), gzipKb: round(gzipSync(bytes).byteLength / 1024) };
  };
  const query = { tz: 'Europe/Warsaw', weeksPast: 10, weeksFuture: 30 };
  const api = viaApi && apiGetter('bench-calendar', viaApi.config, viaApi.token);
  const measure = async (scenario: string, runsInWindow: number, runsOutside: number): Promise<CalendarBenchRow> => {
    const times: number[] = [];
    let last = { reads: 0, truncated: false, kb: 0, gzipKb: 0, fullKb: 0, fullGzipKb: 0 };
    for (let i = 0; i < requests; i++) {
      reads = 0;
      const t = performance.now();
      const core = await reader.read(query);
      const grid = calendarGrid(core);
      times.push(performance.now() - t);
      // What the routes send, and gzipped as the API serves it to browsers.
      const full = kbOf(compactCalendar(expandCalendarCore(core)));
      last = { reads, truncated: core.warnings.length > 0, ...kbOf(grid), fullKb: full.kb, fullGzipKb: full.gzipKb };
    }
    reads = 0;
    const yesterday = new Date(now.getTime() - DAY).toISOString().slice(0, 10);
    const day = kbOf(await reader.readDay({ tz: query.tz, date: yesterday }));
    const dayReads = reads;
    console.log(`  calendar ${scenario}: grid ${last.reads} reads, ${last.kb} KB (${last.gzipKb} KB gzipped), p50 ${round(median(times))} ms; a day ${dayReads} reads, ${day.kb} KB; whole window ${last.fullKb} KB`);
    const call = api && await measureCall(runsInWindow, calendarCall(db, query), api, 20, 'runs in the window');
    return {
      scenario, schedules: 500, runsInWindow, runsOutside, reads: last.reads, kb: last.kb, gzipKb: last.gzipKb,
      p50: round(median(times)), p95: round(percentile(times, 95)), truncated: last.truncated,
      dayReads, dayKb: day.kb, fullKb: last.fullKb, fullGzipKb: last.fullGzipKb, ...(call ? { call } : {}),
    };
  };
  const rows: CalendarBenchRow[] = [];
  await seedRuns(db, runs(2000, windowStart + DAY, now.getTime(), 0));
  rows.push(await measure('2,000 runs in the window', 2000, 0));
  await seedRuns(db, runs(18_000, windowStart - 900 * DAY, windowStart - 3 * DAY, 2000));
  rows.push(await measure('+ 18,000 older runs', 2000, 18_000));
  await seedRuns(db, runs(18_000, windowStart + DAY, now.getTime(), 20_000));
  rows.push(await measure('20,000 runs in the window', 20_000, 18_000));
  return rows;
}

if (require.main === module) {
  void (async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    const emulator = await startFirestoreEmulator({ projectId: 'bench-calendar' });
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
    const { Firestore } = await import('@google-cloud/firestore');
    const db = new Firestore({ projectId: emulator.projectId, ignoreUndefinedProperties: true });
    const secret = 'bench-secret-0123456789-0123456789-abcdef';
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: emulator.projectId, AUTH_MODE: 'dev', DEV_AUTH_SECRET: secret, LOG_LEVEL: 'CRITICAL', FIRESTORE_EMULATOR_HOST: emulator.host });
    const token = await signDevToken(secret, { role: 'viewer', email: 'bench@localhost' });
    try {
      console.table((await benchCalendar(db, emulator.projectId, 2, { config, token })).map(({ call, ...row }) => ({ ...row, apiP95: call?.apiP95, directP95: call?.directP95, ratio: call?.ratio })));
    } finally {
      await db.terminate();
      await emulator.stop();
    }
  })();
}
