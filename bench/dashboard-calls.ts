/**
 * Issue 15: each dashboard call through the API against one hand-written Firestore query of the
 * same data (goal: API p95 ≤ 2× the query's), and the document reads of a dashboard first visit
 * (goal ≤ 60 whatever the history). Run alone with `npx tsx bench/dashboard-calls.ts`
 * (1,000 then 10,000 versions on a fresh emulator). Nothing is asserted.
 */
import type request from 'supertest';
import type { DocumentSnapshot, Firestore, Query } from '@google-cloud/firestore';
import { startFirestoreEmulator } from '../dev/emulators/firestore';
import { parseConfig, type ApiConfig } from '../functions/src/config';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { lazyFirestore } from '../functions/src/adapters/firestore/client';
import { COLLECTIONS } from '../functions/src/adapters/firestore/collections';
import { FirestoreVersionRepository } from '../functions/src/adapters/firestore/version-repository';
import { SUMMARY_SHARDS, summaryShardRefs } from '../functions/src/adapters/firestore/summary-counters';
import { versionToDoc } from '../functions/src/adapters/firestore/version-codec';
import { DEFAULT_PAGE_SIZE } from '../shared/schemas/api';
import { Schedule } from '../shared/schemas/schedule';
import { TrainingRun } from '../shared/schemas/training-run';
import { DEFAULT_WEEKS_FUTURE, DEFAULT_WEEKS_PAST } from '../dashboard/src/url-state';
import { apiGetter, measureCall, type Call, type CallRow } from './api-vs-direct';
import { seedSynthetic, syntheticVersions } from './read-costs';
import { calendarReader } from './calendar';

/** The version the bench opens in the modal: v1 of the first synthetic family (5 versions at 1,000, 50 at 10,000). */
const OPENED = syntheticVersions(1)[0]!;
const RELATED_RUNS = 30;
/** Active schedules during the first visit: the calendar reads each one and its family's last blessing, not the versions. */
const FIRST_VISIT_SCHEDULES = 10;

export interface FirstVisitRow {
  versions: number;
  schedules: number;
  summary: number;
  calendar: number;
  firstPage: number;
  total: number;
}

export type { CallRow };

/** What a call costs the API with no Firestore at all: `GET /api/health` (public) through the same server. */
export interface FloorRow {
  versions: number;
  p50: number;
  p95: number;
}

export interface DashboardCallsBench {
  calls: CallRow[];
  firstVisit: FirstVisitRow[];
  floor?: FloorRow[];
}

/** Gives the opened version a training run and its family related runs, so lineage reads real documents (no rollups: the calendar is not concerned). */
async function seedLineage(db: Firestore): Promise<void> {
  const writer = db.bulkWriter();
  const runs = Array.from({ length: RELATED_RUNS }, (_, i) => TrainingRun.parse({
    id: `calls-r${i}`, name: `TR-${i + 1}`, runNumber: i + 1, familyId: OPENED.familyId, modelType: OPENED.modelType,
    status: 'completed', runId: `tr-calls-${i}`, blessed: true, metrics: { recall_at_100: 0.5 + i / 100 },
    // The opened version came from the first run, linked back as registration links it.
    ...(i === 0 ? { versionId: OPENED.id } : {}),
    startedAt: new Date(Date.UTC(2025, 11, 1) + i * 3_600_000).toISOString(),
    completedAt: new Date(Date.UTC(2025, 11, 1) + (i + 1) * 3_600_000).toISOString(),
  }));
  for (const run of runs) void writer.set(db.collection(COLLECTIONS.trainingRuns).doc(run.id), run);
  // Rewritten, not seeded again: the KPI counters stay as they are (blessing and deployment unchanged).
  void writer.set(db.collection(COLLECTIONS.versions).doc(OPENED.id), versionToDoc({ ...OPENED, trainingRunId: 'calls-r0' }));
  await writer.close();
}

function firstVisitSchedules(): Schedule[] {
  const at = new Date(Date.now() - 30 * 86_400_000).toISOString();
  return syntheticVersions(FIRST_VISIT_SCHEDULES).map((v, i) => Schedule.parse({
    id: `calls-s${i}`, name: `calls-schedule-${i}`, familyId: v.familyId, modelType: v.modelType, type: 'daily', time: '03:00',
    timeZone: 'UTC', pipelineTemplate: 'gs://t/p.json', state: 'active', createdAt: at, updatedAt: at,
  }));
}

/**
 * Reads of what the dashboard loads before its first paint (dashboard/src/main.ts: summary,
 * calendar, first page of `sort=latest`), counted as read-costs counts them. The schedules are
 * removed afterwards so the calendar bench still sees only its own.
 */
async function firstVisitReads(db: Firestore, projectId: string, versions: number): Promise<FirstVisitRow> {
  const schedules = firstVisitSchedules();
  for (const s of schedules) await db.collection(COLLECTIONS.schedules).doc(s.id).set(s);
  let reads = 0;
  const meter = { add: (n: number) => { reads += n; } };
  const firestore = lazyFirestore({ projectId, databaseId: '(default)' });
  const repo = new FirestoreVersionRepository(firestore, meter);
  const calendar = calendarReader(firestore, meter);
  const measure = async (f: () => Promise<unknown>) => { reads = 0; await f(); return reads; };
  try {
    const summary = await measure(() => repo.summary());
    const calendarReads = await measure(() => calendar.read({ tz: 'UTC', weeksPast: DEFAULT_WEEKS_PAST, weeksFuture: DEFAULT_WEEKS_FUTURE }));
    const firstPage = await measure(() => repo.list({ sort: 'latest', pageSize: DEFAULT_PAGE_SIZE }));
    return { versions, schedules: schedules.length, summary, calendar: calendarReads, firstPage, total: summary + calendarReads + firstPage };
  } finally {
    for (const s of schedules) await db.collection(COLLECTIONS.schedules).doc(s.id).delete();
  }
}

/** The hand-written equivalents: same collection, filters, order and limit as the adapters, no select, no cursor codec. */
async function dashboardCalls(db: Firestore, api: (route: string) => Promise<request.Response>): Promise<Call[]> {
  const versions = db.collection(COLLECTIONS.versions);
  const latest = versions.where('archived', '==', false).orderBy('registeredAt', 'desc');
  const firstPage = await latest.limit(DEFAULT_PAGE_SIZE).get();
  const lastOfPage: DocumentSnapshot = firstPage.docs.at(-1)!;
  const cursor = (await api(`/api/models?sort=latest&page_size=${DEFAULT_PAGE_SIZE}`)).body.nextCursor as string;
  const shards = summaryShardRefs(db);
  const get = (query: Query) => () => query.get();
  const id = encodeURIComponent(OPENED.id);
  return [
    // Not the same data: the summary also names the latest version. Kept to show what that query costs; the next row is the comparison.
    {
      call: 'summary, against its counters alone', route: '/api/models/summary',
      direct: `getAll of the ${SUMMARY_SHARDS} counter shards, without the latest-version query the summary also makes`, query: () => db.getAll(...shards),
    },
    {
      call: 'summary', route: '/api/models/summary', direct: `getAll of the counter shards ∥ archived == false, orderBy registeredAt desc, limit 1`,
      query: () => Promise.all([db.getAll(...shards), latest.select('name', 'registeredAt').limit(1).get()]),
    },
    {
      call: 'first list page', route: `/api/models?sort=latest&page_size=${DEFAULT_PAGE_SIZE}`,
      direct: `archived == false, orderBy registeredAt desc, limit ${DEFAULT_PAGE_SIZE}`, query: get(latest.limit(DEFAULT_PAGE_SIZE)),
    },
    {
      call: 'filtered list', route: '/api/models?status=idle&sort=best',
      direct: `archived == false, status == idle, orderBy bestScore desc, limit ${DEFAULT_PAGE_SIZE}`,
      query: get(versions.where('archived', '==', false).where('status', '==', 'idle').orderBy('bestScore', 'desc').limit(DEFAULT_PAGE_SIZE)),
    },
    {
      call: 'list page 2', route: `/api/models?sort=latest&page_size=${DEFAULT_PAGE_SIZE}&cursor=…`,
      direct: 'the first page\'s query, startAfter its last document', query: get(latest.startAfter(lastOfPage).limit(DEFAULT_PAGE_SIZE)),
      apiRoute: `/api/models?sort=latest&page_size=${DEFAULT_PAGE_SIZE}&cursor=${encodeURIComponent(cursor)}`,
    },
    { call: 'version detail', route: `/api/models/${id}`, direct: 'doc(id).get()', query: () => versions.doc(OPENED.id).get() },
    {
      call: 'versions tab', route: `/api/models/${id}/versions`, direct: 'familyId == f, orderBy version desc, limit 200 (the family is known to the page)',
      query: get(versions.where('familyId', '==', OPENED.familyId).orderBy('version', 'desc').limit(200)),
    },
    {
      // The same data includes the run that produced the version: older than the family's 20 newest here, so read on its own.
      call: 'lineage tab', route: `/api/models/${id}/lineage`,
      direct: 'doc(id).get() ∥ trainingRuns familyId == f, orderBy runNumber desc, limit 20 ∥ trainingRuns versionId == id, limit 1',
      query: () => Promise.all([
        versions.doc(OPENED.id).get(),
        db.collection(COLLECTIONS.trainingRuns).where('familyId', '==', OPENED.familyId).orderBy('runNumber', 'desc').limit(20).get(),
        db.collection(COLLECTIONS.trainingRuns).where('versionId', '==', OPENED.id).limit(1).get(),
      ]),
    },
  ];
}



/** Both measures at the registry's current size (`versions`, as seeded by the caller). */
export async function benchDashboardCalls(db: Firestore, projectId: string, config: ApiConfig, token: string, versions: number, requests = 60): Promise<DashboardCallsBench> {
  await seedLineage(db);
  const name = `bench-calls-${versions}`;
  const api = apiGetter(name, config, token);
  const calls: CallRow[] = [];
  for (const call of await dashboardCalls(db, api)) calls.push(await measureCall(versions, call, api, requests));
  const health = await measureCall(versions, { call: 'HTTP floor', route: '/api/health', direct: 'nothing', query: async () => {} }, api, requests);
  const firstVisit = await firstVisitReads(db, projectId, versions);
  console.log(`  ${versions} versions, first visit: ${firstVisit.total} reads`);
  return { calls, firstVisit: [firstVisit], floor: [{ versions, p50: health.apiP50, p95: health.apiP95 }] };
}

export function dashboardCallsSection(r: DashboardCallsBench): string {
  const v = r.firstVisit[0];
  return [
    '## Dashboard calls: API against one hand-written Firestore query (in-process server → emulator)', '',
    '| versions | call | requests | API p50 ms | API p95 ms | direct p50 ms | direct p95 ms | API ÷ direct p95 (goal ≤ 2) | direct query |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...r.calls.map((x) => `| ${x.versions} | ${x.call} \`${x.route}\` | ${x.requests} | ${x.apiP50} | ${x.apiP95} | ${x.directP50} | ${x.directP95} | ${x.ratio} | ${x.direct} |`),
    '', 'Goal: each call the dashboard makes costs at most twice the one query a developer would write against Firestore for the same data; measured alternately, back to back, at least 60 pairs a call and up to 5× as many for a fast one (about 4 s more), so that a p95 is not three samples. The training calendar is in its own section below, measured against its 500 schedules and runs.',
    ...(r.floor ? ['', `The API's floor, \`GET /api/health\` through the same in-process server, listening once, over a kept-alive connection as a browser's (HTTP, routing, JSON; no token check, no Firestore): ${r.floor.map((f) => `p50 ${f.p50} ms, p95 ${f.p95} ms at ${f.versions} versions`).join('; ')}. The HTTP hop itself is that cheap: what the API adds beyond it to a single-document read is its own work on each request (the token check, the view, its ETag and compression).`] : []), '',
    `### Dashboard first visit: Firestore document reads (goal ≤ 60 whatever the history; ${v?.schedules ?? 0} active schedules)`, '',
    '| versions | summary | calendar | first list page | total |', '| ---: | ---: | ---: | ---: | ---: |',
    ...r.firstVisit.map((x) => `| ${x.versions} | ${x.summary} | ${x.calendar} | ${x.firstPage} | ${x.total} |`),
    '', `What dashboard/src/main.ts loads before its first paint: the summary, the calendar (${DEFAULT_WEEKS_PAST} + ${DEFAULT_WEEKS_FUTURE} weeks) and the first page of \`sort=latest\`.`, '',
  ].join('\n');
}

if (require.main === module) {
  process.env.METADATA_SERVER_DETECTION = 'none';
  void (async () => {
    const secret = 'bench-secret-0123456789-0123456789-abcdef';
    const emulator = await startFirestoreEmulator({ projectId: 'bench-calls' });
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
    const { Firestore } = await import('@google-cloud/firestore');
    const db = new Firestore({ projectId: emulator.projectId, ignoreUndefinedProperties: true });
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: emulator.projectId, AUTH_MODE: 'dev', DEV_AUTH_SECRET: secret, LOG_LEVEL: 'CRITICAL', FIRESTORE_EMULATOR_HOST: emulator.host });
    const token = await signDevToken(secret, { role: 'viewer', email: 'bench@localhost' });
    let code = 0;
    try {
      await seedSynthetic(db, 0, 1000);
      const small = await benchDashboardCalls(db, emulator.projectId, config, token, 1000);
      await seedSynthetic(db, 1000, 10_000);
      const large = await benchDashboardCalls(db, emulator.projectId, config, token, 10_000);
      console.log(dashboardCallsSection({ calls: [...small.calls, ...large.calls], firstVisit: [...small.firstVisit, ...large.firstVisit], floor: [...small.floor!, ...large.floor!] }));
    } catch (error) {
      console.error(error);
      code = 1;
    } finally {
      await db.terminate();
      await emulator.stop();
    }
    process.exit(code);
  })();
}
