import assert from 'node:assert/strict';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import { seedRegistry } from '../../../dev/demo/seed';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { FirestoreTrainingRunRepository } from '../../../functions/src/adapters/firestore/run-repository';
import { FirestoreVersionRepository } from '../../../functions/src/adapters/firestore/version-repository';
import { ModelReader } from '../../../functions/src/app/model-reader';
import { createApiHandler } from '../../../functions/src/http/api-handler';
import { createAuthenticator, type Authenticator } from '../../../functions/src/http/auth';
import type { Route } from '../../../functions/src/http/route';
import { modelReadRoutes } from '../../../functions/src/http/routes/model-routes';
import { devTokenVerifier } from '../../../functions/src/http/token-verifiers';
import { createLogger } from '../../../functions/src/log';
import { COLLECTIONS } from '../../../functions/src/adapters/firestore/collections';
import { TEST_SECRET, tokenFor } from '../../support/api';
import { makeVersion } from '../../support/fixtures';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

interface Answer { status: number; etag: string | undefined; body: string }

/**
 * The model read routes behind the real front door on the functions framework, reading the
 * Firestore emulator through the real client. Two observation points, neither replacing anything:
 * the authenticator counts callers it let through (after which a request reaches the coalescer
 * within the same microtask run), and each read route waits at a gate the test opens, so that
 * "in flight at once" does not depend on timing.
 */
async function coalescingTestServer() {
  const emulator = await sharedFirestoreEmulator();
  const firestore = lazyFirestore({ projectId: emulator.projectId, databaseId: '(default)' });
  const reads = { count: 0 };
  const meter = { add: (n: number) => { reads.count += n; } };
  const reader = new ModelReader(new FirestoreVersionRepository(firestore, meter), new FirestoreTrainingRunRepository(firestore, meter));
  const observed = { authenticated: 0, computations: 0 };
  let gate = Promise.resolve();
  let openGate = () => {};
  const closeGate = () => { gate = new Promise((open) => { openGate = open; }); };
  const gated = modelReadRoutes(reader).map((route): Route => ({
    ...route,
    async handle(ctx) {
      observed.computations++;
      await gate;
      return route.handle(ctx);
    },
  }));
  // A write handled by this instance: renames a version in Firestore.
  const rename: Route = {
    method: 'POST', path: '/api/test-renames/:id', role: 'viewer', doc: { operationId: 'testRename', summary: 'test only', responses: { 204: { description: 'renamed' } } },
    async handle({ params, body }) {
      const { name } = body as { name: string };
      await (await firestore()).db.collection(COLLECTIONS.versions).doc(params.id!).update({ name });
      return { status: 204, body: null };
    },
  };
  const real = createAuthenticator(devTokenVerifier(TEST_SECRET), {}, null);
  const authenticator: Authenticator = {
    async authenticate(header) {
      const principal = await real.authenticate(header);
      observed.authenticated++;
      return principal;
    },
  };
  http('read-coalescing-test', createApiHandler({ routes: [...gated, rename], authenticator, corsOrigins: [], log: createLogger('CRITICAL') }));
  const server: Server = getTestServer('read-coalescing-test');
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, reads, observed, closeGate, openGate: () => openGate() };
}

describe('coalesced reads over HTTP (functions framework + Firestore emulator)', () => {
  let api: Awaited<ReturnType<typeof coalescingTestServer>>;
  let db: Firestore;
  let viewer: string;
  let url: string;
  const version = makeVersion({ familyId: 'recs-prod', version: 3, name: 'recs-prod-v3', metrics: { recall_at_100: 0.823 } });

  before(async () => {
    db = await testFirestore();
    api = await coalescingTestServer();
    url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    viewer = await tokenFor('viewer');
  });

  after(async () => {
    api?.openGate(); // a failed test may have left requests at the gate
    api?.server.closeAllConnections();
    await new Promise<void>((ok) => api?.server.close(() => ok()));
  });

  beforeEach(async () => {
    await (await sharedFirestoreEmulator()).reset();
    await seedRegistry(db, {
      versions: [version, makeVersion({ familyId: 'recs-prod', version: 2, name: 'recs-prod-v2' }), makeVersion({ familyId: 'ranking-q4', version: 1, name: 'Ranking-Q4', modelType: 'ranking' })],
    });
    api.reads.count = 0;
    api.observed.authenticated = 0;
    api.observed.computations = 0;
    api.openGate();
  });

  /** One request on its own connection, as a burst of browsers sends them. */
  const send = (method: string, path: string, token: string, body?: unknown) => new Promise<Answer>((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    request(`${url}${path}`, {
      method, agent: false,
      headers: { authorization: `Bearer ${token}`, ...(payload && { 'content-type': 'application/json', 'content-length': String(payload.length) }) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    }).on('error', reject).end(payload);
  });
  const get = (path: string, token = viewer) => send('GET', path, token);

  /** Until `count` requests are past authentication, then one macrotask: each has reached the coalescer. */
  const untilAuthenticated = async (count: number) => {
    while (api.observed.authenticated < count) await nextMacrotask();
    await nextMacrotask();
  };

  it('answers N concurrent identical GETs with one computation and the Firestore reads of one request', async () => {
    const path = '/api/models?sort=latest&page_size=25';
    const alone = await get(path);
    assert.equal(alone.status, 200, alone.body);
    const readsOfOne = api.reads.count;
    assert.ok(readsOfOne > 0, 'the list reads documents');
    api.reads.count = 0;
    api.observed.authenticated = 0;
    api.observed.computations = 0;

    api.closeGate();
    const burst = Array.from({ length: 20 }, () => get(path));
    await untilAuthenticated(20);
    assert.equal(api.observed.computations, 1, 'the other 19 joined the first');
    api.openGate();
    const answers = await Promise.all(burst);

    assert.deepEqual(answers.map((a) => a.status), Array(20).fill(200));
    assert.equal(new Set(answers.map((a) => a.body)).size, 1);
    assert.equal(answers[0]!.body, alone.body);
    assert.equal(new Set(answers.map((a) => a.etag)).size, 1);
    assert.equal(api.reads.count, readsOfOne);
  });

  it('shares among callers with different tokens, each still authenticated and role-checked', async () => {
    const path = `/api/models/${version.id}`;
    api.closeGate();
    const burst = [get(path, viewer), get(path, await tokenFor('deployer', 'dora@example.com')), get(path, await tokenFor('none', 'stranger@example.com'))];
    await untilAuthenticated(3);
    api.openGate();
    const [a, b, stranger] = await Promise.all(burst);
    assert.equal(api.observed.computations, 1);
    assert.equal(a!.status, 200);
    assert.equal(b!.body, a!.body);
    assert.equal(stranger!.status, 403);
    assert.match(stranger!.body, /FORBIDDEN/);
  });

  it('computes different requests separately: another query, another version', async () => {
    api.closeGate();
    const burst = [
      get('/api/models?sort=latest&page_size=25'), get('/api/models?sort=name&page_size=25'),
      get(`/api/models/${version.id}`), get('/api/models/recs-prod-v2'),
    ];
    await untilAuthenticated(4);
    assert.equal(api.observed.computations, 4);
    api.openGate();
    const answers = await Promise.all(burst);
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
    assert.equal(new Set(answers.map((a) => a.body)).size, 4);
  });

  it('shares a failure (404) among the callers in flight, and does not keep it', async () => {
    api.closeGate();
    const burst = Array.from({ length: 5 }, () => get('/api/models/nobody-v1'));
    await untilAuthenticated(5);
    api.openGate();
    const answers = await Promise.all(burst);
    assert.equal(api.observed.computations, 1);
    for (const a of answers) {
      assert.equal(a.status, 404);
      assert.equal(JSON.parse(a.body).error.code, 'NOT_FOUND');
    }
    await db.collection(COLLECTIONS.versions).doc('nobody-v1').set((await db.collection(COLLECTIONS.versions).doc(version.id).get()).data()!);
    assert.equal((await get('/api/models/nobody-v1')).status, 200);
  });

  it('starts a read after a write afresh instead of joining one begun before it', async () => {
    const path = `/api/models/${version.id}`;
    api.closeGate();
    const before = get(path);
    await untilAuthenticated(1);
    assert.equal(api.observed.computations, 1);

    const write = await send('POST', `/api/test-renames/${version.id}`, viewer, { name: 'renamed-by-write' });
    assert.equal(write.status, 204, write.body);
    const afterWrite = get(path);
    await untilAuthenticated(3); // the read before, the write, the read after
    assert.equal(api.observed.computations, 2, 'the read after the write has its own computation');
    api.openGate();
    assert.equal(JSON.parse((await afterWrite).body).name, 'renamed-by-write');
    assert.equal((await before).status, 200);
  });
});
