/**
 * The bench report's load and reliability sections (issue 8): each figure on one line with whether
 * it held, so that a reader sees at a glance what survived and what did not.
 */
import type { BadInputSummary } from '../test/support/bad-input-corpus';
import type { DashboardLoadResult, PushLoadResult } from './load';

export interface FaultOutcome {
  name: string;
  survived: boolean;
  /** What was checked afterwards, e.g. "200 pushes, 200 versions, none half-written". */
  detail?: string;
}

export interface ReliabilityInput {
  badInput?: BadInputSummary;
  dashboard?: DashboardLoadResult;
  pushes?: PushLoadResult;
  faults?: FaultOutcome[];
}

const n = (value: number) => value.toLocaleString('en-US');
const held = (ok: boolean) => (ok ? '✅' : '❌');
const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

/** Pushes that did not end as exactly one version. */
export function pushesLost(p: PushLoadResult): number {
  return p.pushes - (p.versions - p.duplicates);
}

/** Malformed requests that were not refused (answered 2xx/3xx or 5xx). */
export function badInputsAccepted(b: BadInputSummary): number {
  return Object.entries(b.byStatus).filter(([status]) => Number(status) < 400).reduce((a, [, count]) => a + count, 0);
}

export function reliabilitySection(r: ReliabilityInput): string {
  const rows: [string, string, string][] = [];
  if (r.faults) {
    const survived = r.faults.filter((f) => f.survived).length;
    rows.push(['faults survived', `${survived} of ${r.faults.length}`, held(survived === r.faults.length)]);
  }
  if (r.badInput) {
    const b = r.badInput;
    const framework = sum(b.frameworkAnswers);
    rows.push(
      ['bad inputs tried', `${n(b.tried)} on ${b.routes.served} routes`, held(b.tried >= 300)],
      ['… refused as expected (right 4xx, stable code)', n(b.tried - b.wrongAnswers), held(b.wrongAnswers === 0)],
      ['… of them by the framework before the API (not JSON)', n(framework), framework > 0 ? 'known limitation' : held(true)],
      ['… accepted although malformed (2xx)', n(badInputsAccepted(b)), held(badInputsAccepted(b) === 0)],
      ['5xx seen', n(b.serverErrors), held(b.serverErrors === 0)],
      ['documents changed by bad inputs', n(b.dataChanges.length), held(b.dataChanges.length === 0)],
    );
  }
  if (r.dashboard) {
    const d = r.dashboard;
    rows.push(['dashboard requests failed', `${n(d.errors)} of ${n(d.requests)} (all in flight at once)`, held(d.errors === 0)]);
  }
  if (r.pushes) {
    const p = r.pushes;
    rows.push(
      ['pushes registered', `${n(p.versions - p.duplicates)} of ${n(p.pushes)}`, held(pushesLost(p) === 0)],
      ['version numbers gapless', p.gapless ? `1..${p.pushes}` : `missing ${p.missingNumbers.slice(0, 5).join(', ')}${p.missingNumbers.length > 5 ? '…' : ''}`, held(p.gapless)],
      ['pushes registered twice', n(p.duplicates), held(p.duplicates === 0)],
      ['data lost (pushes without exactly one version)', n(pushesLost(p)), held(pushesLost(p) === 0)],
    );
  }
  const lines = ['## Reliability', '', '| figure | value | held |', '| --- | ---: | :---: |', ...rows.map((row) => `| ${row.join(' | ')} |`), ''];
  for (const f of r.faults?.filter((x) => !x.survived || x.detail) ?? []) lines.push(`- ${held(f.survived)} ${f.name}${f.detail ? `: ${f.detail}` : ''}`);
  if (r.badInput && Object.keys(r.badInput.frameworkAnswers).length > 0) {
    lines.push('', 'Answered by the functions framework or Node before the API handler runs (HTML or empty bodies, no error code):',
      ...Object.entries(r.badInput.frameworkAnswers).map(([reason, count]) => `- ${reason}: ${n(count)}`));
  }
  if (r.badInput?.dataChanges.length) lines.push('', `Changed by bad inputs: ${r.badInput.dataChanges.slice(0, 10).join(', ')}${r.badInput.dataChanges.length > 10 ? ', …' : ''}`);
  if (r.pushes?.failure) lines.push('', `Push burst failed: ${r.pushes.failure}`);
  if (r.dashboard?.errorSamples.length) lines.push('', `Dashboard errors: ${r.dashboard.errorSamples.join('; ')}`);
  lines.push('');
  return lines.join('\n');
}

/** Latencies of the dashboard burst and throughput of the push burst. */
export function loadSection(d: DashboardLoadResult, p: PushLoadResult, stackStartMs?: number, inStackProcess?: DashboardLoadResult): string {
  const seconds = (ms: number | null) => (ms === null ? 'not within the limit' : `${(ms / 1000).toFixed(1)} s`);
  const where = (r: DashboardLoadResult) => (r.clients === 'own-process' ? 'clients in a process of their own, as browsers are' : "clients in the stack's process");
  return [
    '## Load (whole local stack on loopback, demo registry)', '',
    `${n(d.requests)} dashboard requests in flight at once (${where(d)}), answered in ${seconds(d.wallMs)}; ${n(d.errors)} errors.${stackStartMs ? ` Stack start: ${seconds(stackStartMs)}.` : ''}`, '',
    '| request | count | alone ms | p50 ms | p95 ms | p99 ms | errors |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(d.byKind).map(([kind, k]) => `| ${kind} | ${k.requests} | ${k.unloadedMs} | ${k.p50} | ${k.p95} | ${k.p99} | ${k.errors} |`),
    `| **all** | ${d.requests} | | ${d.p50} | ${d.p95} | ${d.p99} | ${d.errors} |`, '',
    '"alone": the median of the same request sent by itself; the rest of each latency in the burst is queueing.', '',
    ...(inStackProcess ? [
      `The same burst, run second, with the ${where(inStackProcess)} (as reports before issue 15 measured it: the 500 fetches share the API's event loop and pace when requests reach it): ` +
      `p50 ${inStackProcess.p50} ms, p95 ${inStackProcess.p95} ms, p99 ${inStackProcess.p99} ms, answered in ${seconds(inStackProcess.wallMs)}; ${n(inStackProcess.errors)} errors.`, '',
    ] : []),
    `${n(p.pushes)} pushes uploaded at once through the storage client into the GCS twin (one family, \`${p.family}\`):`, '',
    '| uploads done | all registered | all mirrored to Vertex AI | events settled | pushes/s | versions | gapless | duplicates |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |',
    `| ${seconds(p.uploadMs)} | ${seconds(p.allRegisteredMs)} | ${seconds(p.allMirroredMs)} | ${seconds(p.eventsSettledMs)} | ${p.pushesPerSecond ?? '–'} | ${p.versions} | ${held(p.gapless)} | ${p.duplicates} |`,
    ...(p.failure ? ['', `**Failed:** ${p.failure}`] : []), '',
  ].join('\n');
}
