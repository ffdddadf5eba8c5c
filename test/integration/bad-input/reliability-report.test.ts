import assert from 'node:assert/strict';
import type { DashboardLoadResult, PushLoadResult } from '../../../bench/load';
import { loadSection, reliabilitySection } from '../../../bench/reliability';
import type { BadInputSummary } from '../../support/bad-input-corpus';

const badInput = (over: Partial<BadInputSummary> = {}): BadInputSummary => ({
  tried: 1200, routes: { served: 24, notServed: [], withoutBodySample: [] }, byStatus: { 400: 1000, 401: 200 }, byCategory: {},
  jsonErrors: 1110, frameworkAnswers: { 'invalid JSON (body-parser)': 90 }, serverErrors: 0, wrongAnswers: 0, dataChanges: [], durationMs: 1, ...over,
});
const pushes = (over: Partial<PushLoadResult> = {}): PushLoadResult => ({
  pushes: 200, family: 'load-bench', uploadMs: 1000, uploadErrors: 0, allRegisteredMs: 20_000, allMirroredMs: 21_000, eventsSettledMs: 22_000, pushesPerSecond: 10,
  versions: 200, gapless: true, missingNumbers: [], duplicates: 0, failure: null, ...over,
});
const dashboard: DashboardLoadResult = {
  requests: 500, errors: 0, p50: 10, p95: 20, p99: 30, max: 31, concurrency: 500, wallMs: 900, errorSamples: [],
  byKind: { summary: { requests: 500, errors: 0, p50: 10, p95: 20, p99: 30, max: 31, unloadedMs: 5 } },
};
const row = (markdown: string, figure: string) => markdown.split('\n').find((l) => l.startsWith(`| ${figure}`));

describe('the bench report’s reliability section', () => {
  it('states every figure and marks each as held when nothing failed', () => {
    const md = reliabilitySection({ badInput: badInput(), dashboard, pushes: pushes(), faults: [{ name: 'emulator restart', survived: true }] });
    assert.match(row(md, 'faults survived')!, /1 of 1 \| ✅/);
    assert.match(row(md, 'bad inputs tried')!, /1,200 on 24 routes \| ✅/);
    assert.match(row(md, '5xx seen')!, /\| 0 \| ✅/);
    assert.match(row(md, 'data lost')!, /\| 0 \| ✅/);
    assert.match(row(md, 'version numbers gapless')!, /1\.\.200 \| ✅/);
    assert.match(md, /invalid JSON \(body-parser\): 90/);
    assert.doesNotMatch(md, /❌/);
  });

  it('marks 5xx answers, accepted bad inputs, changed documents, lost pushes and failed faults as not held', () => {
    const md = reliabilitySection({
      badInput: badInput({ serverErrors: 4, wrongAnswers: 12, byStatus: { 200: 5, 400: 1191, 500: 4 }, dataChanges: ['changed schedules/a'] }),
      pushes: pushes({ versions: 199, gapless: false, missingNumbers: [200], failure: 'only 199 of 200 pushes were registered within 300 s' }),
      faults: [{ name: 'GCS 503 during hashing', survived: false, detail: 'a manifest was half written' }],
    });
    assert.match(row(md, '5xx seen')!, /\| 4 \| ❌/);
    assert.match(row(md, '… accepted although malformed')!, /\| 5 \| ❌/);
    assert.match(row(md, 'documents changed')!, /\| 1 \| ❌/);
    assert.match(row(md, 'data lost')!, /\| 1 \| ❌/);
    assert.match(row(md, 'version numbers gapless')!, /missing 200 \| ❌/);
    assert.match(md, /- ❌ GCS 503 during hashing: a manifest was half written/);
    assert.match(md, /Push burst failed: only 199 of 200/);
  });

  it('reports the burst latencies per request kind next to the same request alone', () => {
    const md = loadSection(dashboard, pushes(), 21_000);
    assert.match(md, /\| summary \| 500 \| 5 \| 10 \| 20 \| 30 \| 0 \|/);
    assert.match(md, /\| 1\.0 s \| 20\.0 s \| 21\.0 s \| 22\.0 s \| 10 \| 200 \| ✅ \| 0 \|/);
  });
});
