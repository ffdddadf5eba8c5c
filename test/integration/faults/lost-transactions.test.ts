import assert from 'node:assert/strict';
import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import { transact } from '../../../functions/src/adapters/firestore/transact';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

/**
 * The emulator closes a transaction that waited too long for a lock; the client's retry then names
 * it and is refused with INVALID_ARGUMENT "Transaction is invalid or closed". Closing it from
 * outside (the emulator's REST rollback) reproduces that answer on demand.
 */
describe('transactions the backend lost (Google Firestore emulator)', () => {
  let db: Firestore;
  let close: (tx: Transaction) => Promise<void>;

  before(async () => {
    const emulator = await sharedFirestoreEmulator();
    db = await testFirestore();
    close = async (tx) => {
      // The client keeps the id of a started transaction private; the test needs it to close it.
      const id = await (tx as unknown as { _transactionIdPromise: Promise<Buffer> })._transactionIdPromise;
      const res = await fetch(`http://${emulator.host}/v1/projects/${emulator.projectId}/databases/(default)/documents:rollback`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
        body: JSON.stringify({ transaction: Buffer.from(id).toString('base64') }),
      });
      assert.equal(res.status, 200, await res.text());
    };
  });
  beforeEach(async () => (await sharedFirestoreEmulator()).reset());

  /** Increments a counter; on the runs listed, the backend loses the transaction before it commits. */
  const increment = (ref: DocumentReference, loseOnRuns: number[]) => {
    let runs = 0;
    const update = async (tx: Transaction) => {
      runs++;
      const count = Number((await tx.get(ref)).get('count') ?? 0);
      if (loseOnRuns.includes(runs)) await close(tx);
      tx.set(ref, { count: count + 1 });
      return count + 1;
    };
    return { update, runs: () => runs };
  };

  it('is refused by the client on its own with INVALID_ARGUMENT', async () => {
    const ref = db.collection('counters').doc('plain');
    const { update } = increment(ref, [1]);
    await assert.rejects(db.runTransaction(update), (error: { code?: number; message?: string }) => error.code === 3 && /invalid or closed/i.test(error.message ?? ''));
    assert.equal((await ref.get()).exists, false);
  });

  it('is run again from scratch by transact, and commits once', async () => {
    const ref = db.collection('counters').doc('lost-once');
    const { update, runs } = increment(ref, [1]);
    assert.equal(await transact(db, update), 1);
    assert.equal(runs(), 2);
    assert.equal((await ref.get()).get('count'), 1);
  });

  it('gives up after three lost runs and leaves nothing written', async () => {
    const ref = db.collection('counters').doc('always-lost');
    const { update, runs } = increment(ref, [1, 2, 3, 4]);
    await assert.rejects(transact(db, update), (error: { code?: number }) => error.code === 3);
    assert.equal(runs(), 3);
    assert.equal((await ref.get()).exists, false);
  });
});
