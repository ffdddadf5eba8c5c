import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { devSecret, startStack, type Stack } from '../../../dev/stack';
import { signDevToken } from '../../../functions/src/http/token-verifiers';
import { runBadInputCorpus, type CaseOutcome, type CorpusRun } from '../../support/bad-input-corpus';
import { countDeclarations, readRouteTable } from '../../support/route-table';

/** `process.env.X = undefined` would store the string "undefined". */
function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** The failing requests, readable in an assertion message. */
function describeFailures(outcomes: CaseOutcome[]): string {
  const lines = outcomes.slice(0, 25).map((o) => `  ${o.request.name} → ${o.status}: ${o.problems.join('; ')}`);
  return `${outcomes.length} request(s):\n${lines.join('\n')}${outcomes.length > 25 ? '\n  …' : ''}`;
}

describe('malformed requests against the local stack (generated bad-input corpus)', () => {
  let stack: Stack;
  let db: Firestore;
  let run: CorpusRun;
  let dataDir: string;
  const saved: { host?: string; nodeEnv?: string } = {};

  before(async function () {
    this.timeout(150_000);
    // Read when the suite runs, not when the file is loaded: earlier suites set the variable.
    Object.assign(saved, { host: process.env.FIRESTORE_EMULATOR_HOST, nodeEnv: process.env.NODE_ENV });
    // A data directory makes the stack's token secret readable, so that expired tokens can be signed.
    dataDir = mkdtempSync(join(tmpdir(), 'bad-input-'));
    // Express logs every answer of its own error handler (invalid JSON…) to stderr unless its env is 'test'.
    process.env.NODE_ENV = 'test';
    stack = await startStack({ port: 0, dataDir, demo: true, buildDashboard: false });
    restoreEnv('NODE_ENV', saved.nodeEnv);
    const { Firestore } = await import('@google-cloud/firestore');
    db = new Firestore({ projectId: stack.projectId });
    const secret = devSecret(dataDir);
    run = await runBadInputCorpus({
      url: stack.url, db,
      sign: (claims) => signDevToken(secret, claims),
      otherState: () => ({ models: stack.vertex.models(), endpoints: stack.vertex.endpoints(), jobs: stack.vertex.pipelineJobs() }),
    });
  });

  after(async function () {
    this.timeout(60_000);
    restoreEnv('NODE_ENV', saved.nodeEnv);
    await db?.terminate();
    await stack?.stop();
    restoreEnv('FIRESTORE_EMULATOR_HOST', saved.host);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads every route declared in the route modules', () => {
    const routes = readRouteTable();
    assert.equal(routes.length, countDeclarations());
    assert.ok(routes.some((r) => r.method === 'PATCH' && r.path === '/api/training-schedules/:id'), 'template-literal paths are resolved');
    assert.equal(run.served.length + run.notServed.length, routes.length);
  });

  it('tries at least 300 malformed requests, at least ten on every authenticated route the stack serves', () => {
    assert.ok(run.summary.tried >= 300, `only ${run.summary.tried} requests`);
    assert.ok(run.served.length >= 20, `the stack serves only ${run.served.length} routes`);
    for (const route of run.served.filter((r) => r.role !== 'public')) {
      const id = `${route.method} ${route.path}`;
      const n = run.outcomes.filter((o) => o.request.route === id).length;
      assert.ok(n >= 10, `${id}: only ${n} requests`);
    }
  });

  it('knows a valid body of every route that takes one, to break it field by field', () => {
    assert.deepEqual(run.summary.routes.withoutBodySample, [], 'add a sample body for these routes in test/support/bad-input-corpus.ts');
  });

  it('never answers a malformed request with a server error', () => {
    const failures = run.outcomes.filter((o) => o.status >= 500 || o.status === 0);
    assert.equal(failures.length, 0, describeFailures(failures));
  });

  it('answers every malformed request 4xx with a stable JSON error code, or with a known answer of the framework', () => {
    const failures = run.outcomes.filter((o) => o.problems.length > 0);
    assert.equal(failures.length, 0, describeFailures(failures));
    assert.equal(run.summary.jsonErrors + Object.values(run.summary.frameworkAnswers).reduce((a, b) => a + b, 0), run.summary.tried);
  });

  it('names the offending fields of every VALIDATION_FAILED answer', () => {
    const validation = run.outcomes.filter((o) => (o.json as { error?: { code?: string } } | undefined)?.error?.code === 'VALIDATION_FAILED');
    assert.ok(validation.length >= 100, `only ${validation.length} validation answers`);
    const failures = validation.filter((o) => o.problems.some((p) => p.includes('field paths')));
    assert.equal(failures.length, 0, describeFailures(failures));
  });

  it('answers missing, garbage, foreign, unsigned, tampered and expired tokens 401, and roles too low 403', () => {
    const auth = run.outcomes.filter((o) => ['no-token', 'bad-token', 'expired-token', 'wrong-role'].includes(o.request.category));
    assert.ok(auth.length >= 200, `only ${auth.length} token and role requests`);
    const failures = auth.filter((o) => o.status !== o.request.expect?.status);
    assert.equal(failures.length, 0, describeFailures(failures));
  });

  it('answers a method that a path does not serve 405', () => {
    const methods = run.outcomes.filter((o) => o.request.category === 'wrong-method');
    assert.ok(methods.length >= 30);
    assert.deepEqual([...new Set(methods.map((o) => o.status))], [405]);
  });

  it('answers what the functions framework refuses before the API handler (invalid JSON, undecodable bodies, malformed paths) with JSON errors too', () => {
    const refused = run.outcomes.filter((o) => o.request.framework && o.request.framework.status !== 431);
    assert.ok(refused.length >= 60, `only ${refused.length} requests the framework refuses`);
    const notJson = refused.filter((o) => o.json === undefined);
    assert.equal(notJson.length, 0, describeFailures(notJson));
    const codes = new Set(refused.map((o) => (o.json as { error: { code: string } }).error.code));
    assert.deepEqual([...codes].sort(), ['UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED']);
    const paths = new Set(refused.flatMap((o) => ((o.json as { error: { fields?: { path: string }[] } }).error.fields ?? []).map((f) => f.path)));
    assert.deepEqual([...paths].sort(), ['body', 'path']);
    // Only Node's HTTP parser answers before Express (a request line over 16 KiB): 431, empty body.
    assert.deepEqual(Object.keys(run.summary.frameworkAnswers), ['request line over 16 KiB (Node HTTP parser)']);
  });

  it('leaves every Firestore document, subcollection and the Vertex twin unchanged', () => {
    assert.deepEqual(run.summary.dataChanges, []);
  });
});
