/**
 * `npm run bench`: measures what the issues set goals for and writes bench/results/report.{md,json}.
 * Figures are measured here, on loopback against the Firestore emulator; nothing is asserted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startFirestoreEmulator } from '../dev/emulators/firestore';
import { parseConfig } from '../functions/src/config';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { benchColdStart } from './cold-start';
import { apiLatencies, readsPerPage, seedSynthetic } from './read-costs';
import { benchCalendar } from './calendar';
import { benchFaults } from './faults';
import { benchLoad } from './load';
import { loadSection, reliabilitySection } from './reliability';
import { benchHashing, benchRegistrationLatency, benchZipRss } from './artifacts';
import { auditSection, benchAudit } from './audit';
import { benchServing, servingSection } from './serving';
import { benchHttpCache, httpCacheSection } from './http-cache';
import { benchDashboardCalls, dashboardCallsSection, type DashboardCallsBench } from './dashboard-calls';

const SECRET = 'bench-secret-0123456789-0123456789-abcdef';

async function main() {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const results: Record<string, unknown> = {
    date: new Date().toISOString(), node: process.version, cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
  console.log('building (tsc, bundle)…');
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: join(__dirname, '..') });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.bench.json'], { stdio: 'inherit', cwd: join(__dirname, '..') });

  const emulator = await startFirestoreEmulator({ projectId: 'bench-registry' });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  const { Firestore } = await import('@google-cloud/firestore');
  const db = new Firestore({ projectId: emulator.projectId, ignoreUndefinedProperties: true });
  const env = { GOOGLE_CLOUD_PROJECT: emulator.projectId, AUTH_MODE: 'dev', DEV_AUTH_SECRET: SECRET, LOG_LEVEL: 'CRITICAL', FIRESTORE_EMULATOR_HOST: emulator.host };
  const token = await signDevToken(SECRET, { role: 'viewer', email: 'bench@localhost' });
  try {
    console.log('seeding 1,000 versions…');
    await seedSynthetic(db, 0, 1000);
    console.log('cold start…');
    results.coldStart = await benchColdStart(env, token);
    const reads = [await readsPerPage(emulator.projectId, 1000)];
    console.log('dashboard calls against direct queries, first-visit reads (1,000)…');
    const calls = [await benchDashboardCalls(db, emulator.projectId, parseConfig(env), token, 1000)];
    console.log('seeding up to 10,000 versions…');
    await seedSynthetic(db, 1000, 10_000);
    reads.push(await readsPerPage(emulator.projectId, 10_000));
    results.readsPerPage = reads;
    console.log('dashboard calls against direct queries, first-visit reads (10,000)…');
    calls.push(await benchDashboardCalls(db, emulator.projectId, parseConfig(env), token, 10_000));
    results.dashboardCalls = { calls: calls.flatMap((c) => c.calls), firstVisit: calls.flatMap((c) => c.firstVisit), floor: calls.flatMap((c) => c.floor ?? []) } satisfies DashboardCallsBench;
    console.log('latencies at 10,000 versions…');
    results.latencyAt10k = await apiLatencies(parseConfig(env), token);
    const target = { projectId: emulator.projectId, host: emulator.host };
    console.log('hashing throughput (1 GiB)…');
    results.hashing = await benchHashing();
    console.log('ZIP download peak RSS (1 GiB version)…');
    results.zipRss = await benchZipRss(target);
    console.log('registration latency…');
    results.registrationLatency = await benchRegistrationLatency(target);
    console.log('calendar with 500 schedules…');
    results.calendar = await benchCalendar(db, emulator.projectId, 2, { config: parseConfig(env), token });
    console.log('audited alias moves…');
    results.audit = await benchAudit(db, emulator.projectId);
  } finally {
    await db.terminate();
    await emulator.stop();
  }
  console.log('load and bad inputs on the whole local stack…');
  results.load = await benchLoad();
  console.log('serving: predict overhead and rollback time…');
  results.serving = await benchServing();
  console.log('HTTP caching of a dashboard visit…');
  results.httpCache = await benchHttpCache();
  console.log('fault tests…');
  results.faults = benchFaults();
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(dir, 'report.md'), renderMarkdown(results));
  console.log(renderMarkdown(results));
}

function renderMarkdown(r: Record<string, any>): string {
  const c = r.coldStart;
  const lines = [
    '# Bench report', '',
    `${r.date} · Node ${r.node} · ${r.cpus} cores · ${r.memoryGiB} GiB · Firestore emulator on loopback`, '',
    '## Cold start (median of runs, process spawn → first HTTP 200)', '',
    '| function | ms | × bare |', '| --- | ---: | ---: |',
    `| bare functions-framework function | ${c.bareMs} | 1.00 |`,
    `| api — GET /api/health | ${c.apiHealthMs} | ${c.ratioHealth} |`,
    `| api — first GET /api/models, Firestore over gRPC (how tests reach the emulator) | ${c.apiFirstListMs} | ${c.ratioFirstList} |`,
    `| api — first GET /api/models, Firestore over REST (\`preferRest\`) | ${c.apiFirstListRestMs} | ${c.ratioFirstListRest} |`,
    ...(c.options ?? []).map((o: any) => `| ${o.label} | ${o.ms} | ${o.ratio ?? '—'} |`),
    '', 'Rows above the bundle ones load dist/functions (tsc output); the deployed artifact is dist/bundle (npm run build). The code-cache row is a bench-only preload (bench/fixtures/code-cache), not deployed. The head-start row is the request\'s own latency (send → 200), not spawn → 200.', '',
    'Goals: ≤ 1.2× bare for the function itself (health), ≤ 1.5× for the first list as deployed (REST). The first list also pays for loading the Firestore client and a query.', '',
    `The floor row is a bare function that only loads the Firestore client on its first request and answers the first list's query (bench/fixtures/bare-firestore): no routes, schemas, auth or view. No first list that loads this client and makes this query can be faster (here the query is the emulator's, slower than Firestore's), so the 1.5× goal sits below what the client alone costs; the deployed first list is **${c.ratioDeployedOverFloor}× the floor**, which is what the API's own code adds.`, '',
    '## Firestore document reads per page (page size 25; goal flat, ≤ page + 2)', '',
    '| versions | list page 2 | search "prod" | search "q4" + type + status, sort best | summary (goal ≤ 3) |', '| ---: | ---: | ---: | ---: | ---: |',
    ...r.readsPerPage.map((x: any) => `| ${x.versions} | ${x.listPageReads} | ${x.searchPageReads} | ${x.filteredSearchReads} | ${x.summaryReads ?? ''} |`),
    '', '## API latency at 10,000 versions (in-process server → emulator)', '',
    '| route | requests | p50 ms | p95 ms | p99 ms |', '| --- | ---: | ---: | ---: | ---: |',
    ...r.latencyAt10k.map((x: any) => `| ${x.route} | ${x.requests} | ${x.p50} | ${x.p95} | ${x.p99} |`),
    '', 'The summary reads its sharded KPI counters and the latest version; the minute job checks the counters with aggregation counts every 15 minutes.',
    'Search at 10,000 versions is slow on the emulator only: it evaluates array-contains by scanning every token of every',
    'document, where Firestore serves it from the composite index (the reads above stay flat).', '',
    ...(r.dashboardCalls ? [dashboardCallsSection(r.dashboardCalls)] : []),
    ...(r.hashing ? [
      '## Content-addressed store (issue 3)', '',
      '| measure | figure | goal |', '| --- | ---: | --- |',
      `| SHA-256 + store of a ${r.hashing.sizeMiB} MiB object through the GCS twin | ${r.hashing.storeMBps} MB/s | |`,
      `| \`sha256sum\` on the same file | ${r.hashing.sha256sumMBps} MB/s | |`,
      `| ratio | ${r.hashing.ratio} | ≥ 0.8 |`,
      ...r.zipRss.runs.map((x: any) => `| ZIP download of a ${r.zipRss.sizeMiB} MiB version, highest peak RSS of ${x.maxRssEachMB.length}${x.deployed ? `, as deployed (NODE_OPTIONS=${x.nodeFlags.join(' ')})` : x.nodeFlags.length ? ` (${x.nodeFlags.join(' ')})` : ', V8 defaults (not deployed)'} | ${x.maxRssMB} MB (each: ${x.maxRssEachMB.join(', ')}; ${x.maxRssBeforeMB} MB before), ${x.downloadMBps} MB/s | ${x.deployed ? '≤ 150 MB' : ''} |`),
      `| last object written → version visible in the API, median (p95) of ${r.registrationLatency.pushes} pushes | ${r.registrationLatency.medianMs} ms (${r.registrationLatency.p95Ms} ms) | |`,
      `| same, first push into a cold register function | ${r.registrationLatency.coldMs} ms | |`,
      '',
    ] : []),
    '## Training calendar (500 active schedules, one of them every minute, 10 + 30 weeks, Europe/Warsaw)', '',
    '| scenario | runs in window | runs outside | grid reads | grid KB (goal ≤ 200) | gzipped KB | reader p50 ms | reader p95 ms | API p95 ms ÷ direct p95 ms (goal ≤ 2) | a day: reads, KB | whole window (`/full`) KB, gzipped | truncated |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...(r.calendar ?? []).map((x: any) => `| ${x.scenario} | ${x.runsInWindow} | ${x.runsOutside} | ${x.reads} | ${x.kb ?? ''} | ${x.gzipKb ?? ''} | ${x.p50} | ${x.p95} | ${x.call ? `${x.call.apiP95} ÷ ${x.call.directP95} = ${x.call.ratio}×` : ''} | ${x.dayReads ?? ''}, ${x.dayKb ?? ''} | ${x.fullKb ?? ''}, ${x.fullGzipKb ?? ''} | ${x.truncated ? 'yes (warning returned)' : 'no'} |`),
    '', `Reads: one rollup per week from the lookback to now (ended runs only: the future weeks hold none), the schedule index (one document for every active schedule), the runs in flight (two queries) and the KPI counter shards (every family's last blessing): never the runs, the schedules or the families one by one. The grid sends per day the counts and at most five schedules by name, so its bytes follow the window's days, not the history or how often schedules fire; a day's every entry (the popover) and the whole window's series are separate reads. The every-minute schedule's projection stops at 5,000 fires, hence the warning. The reader columns time the use case alone; the API column is \`GET /api/training-schedules/calendar\` in process against the same documents read by hand in one round trip (${r.calendar?.[0]?.call?.direct ?? ''}), 20 each, alternately.`, '',
    ...(r.audit ? [auditSection(r.audit)] : []),
    ...(r.serving ? [servingSection(r.serving)] : []),
    ...(r.httpCache ? [httpCacheSection(r.httpCache)] : []),
    ...(r.load ? [loadSection(r.load.dashboard, r.load.pushes, r.load.stackStartMs, r.load.dashboardStackProcess),
      reliabilitySection({ badInput: r.load.badInput, dashboard: r.load.dashboard, pushes: r.load.pushes, faults: r.faults })] : []),
  ];
  return lines.join('\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
