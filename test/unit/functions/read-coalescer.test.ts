import assert from 'node:assert/strict';
import { readKey, SingleFlight } from '../../../functions/src/http/read-coalescer';
import type { Principal } from '../../../functions/src/http/auth';

/** A computation the test finishes when it chooses, counting how often it was started. */
function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const settles = new Promise<T>((ok, ko) => { open = ok; fail = ko; });
  const gated = { started: 0, open, fail, compute: () => { gated.started++; return settles; } };
  return gated;
}

const alice: Principal = { subject: 'alice', email: 'alice@example.com', role: 'viewer' };
const bob: Principal = { subject: 'bob', email: 'bob@example.com', role: 'deployer' };

describe('read coalescer (single-flight for identical concurrent GETs)', () => {
  it('runs one computation for concurrent identical calls and gives each caller its result', async () => {
    const flight = new SingleFlight<string>();
    const reads = gate<string>();
    const callers = Array.from({ length: 5 }, () => flight.run('k', reads.compute));
    reads.open('answer');
    assert.deepEqual(await Promise.all(callers), ['answer', 'answer', 'answer', 'answer', 'answer']);
    assert.equal(reads.started, 1);
  });

  it('shares a failure with the callers that joined, and the next call computes afresh', async () => {
    const flight = new SingleFlight<string>();
    const failing = gate<string>();
    const callers = [flight.run('k', failing.compute), flight.run('k', failing.compute)];
    failing.fail(new Error('firestore unavailable'));
    for (const caller of callers) await assert.rejects(caller, /firestore unavailable/);
    assert.equal(failing.started, 1);
    assert.equal(flight.size, 0);
    assert.equal(await flight.run('k', async () => 'recovered'), 'recovered');
  });

  it('keeps nothing once a computation has settled (no cache)', async () => {
    const flight = new SingleFlight<number>();
    let computed = 0;
    const compute = async () => ++computed;
    assert.equal(await flight.run('k', compute), 1);
    assert.equal(await flight.run('k', compute), 2);
  });

  it('turns a computation that throws synchronously into a rejection for every caller', async () => {
    const flight = new SingleFlight<string>();
    await assert.rejects(flight.run('k', () => { throw new Error('bad route'); }), /bad route/);
    assert.equal(flight.size, 0);
  });

  it('starts a fresh computation after forgetAll (a write), while callers already waiting keep theirs', async () => {
    const flight = new SingleFlight<string>();
    const beforeWrite = gate<string>();
    const afterWrite = gate<string>();
    const early = flight.run('k', beforeWrite.compute);
    flight.forgetAll();
    const late = flight.run('k', afterWrite.compute);
    const later = flight.run('k', afterWrite.compute);
    // The early computation settling must not drop the entry the late one made.
    beforeWrite.open('before the write');
    assert.equal(await early, 'before the write');
    assert.equal(flight.size, 1);
    afterWrite.open('after the write');
    assert.deepEqual(await Promise.all([late, later]), ['after the write', 'after the write']);
    assert.equal(beforeWrite.started, 1);
    assert.equal(afterWrite.started, 1);
  });

  it('does not share between different keys', async () => {
    const flight = new SingleFlight<string>();
    const [a, b] = await Promise.all([flight.run('a', async () => 'A'), flight.run('b', async () => 'B')]);
    assert.deepEqual([a, b], ['A', 'B']);
  });

  describe('readKey', () => {
    const list = { method: 'GET' as const, path: '/api/models', coalesce: 'any-caller' as const };

    it('is one key for the same route, parameters and query, whatever the query order or the caller', () => {
      const one = readKey(list, { params: {}, query: { sort: 'best', page_size: '25' }, principal: alice });
      const two = readKey(list, { params: {}, query: { page_size: '25', sort: 'best' }, principal: bob });
      assert.equal(one, two);
    });

    it('differs by query value, by parameter and by route', () => {
      const base = readKey(list, { params: {}, query: { sort: 'best' }, principal: alice });
      assert.notEqual(readKey(list, { params: {}, query: { sort: 'latest' }, principal: alice }), base);
      assert.notEqual(readKey(list, { params: {}, query: { sort: ['best', 'latest'] }, principal: alice }), base);
      const detail = { method: 'GET' as const, path: '/api/models/:id', coalesce: 'any-caller' as const };
      assert.notEqual(readKey(detail, { params: { id: 'a-v1' }, query: {}, principal: alice }), readKey(detail, { params: { id: 'a-v2' }, query: {}, principal: alice }));
      assert.notEqual(readKey({ ...detail, path: '/api/models/:id/lineage' }, { params: { id: 'a-v1' }, query: {}, principal: alice }), readKey(detail, { params: { id: 'a-v1' }, query: {}, principal: alice }));
    });

    it('keeps callers apart on per-caller routes', () => {
      const mine = { method: 'GET' as const, path: '/api/me', coalesce: 'per-caller' as const };
      assert.notEqual(readKey(mine, { params: {}, query: {}, principal: alice }), readKey(mine, { params: {}, query: {}, principal: bob }));
      assert.equal(readKey(mine, { params: {}, query: {}, principal: alice }), readKey(mine, { params: {}, query: {}, principal: { ...alice } }));
    });
  });
});
