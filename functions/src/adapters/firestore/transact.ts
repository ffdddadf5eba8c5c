import type { Firestore, Transaction } from '@google-cloud/firestore';
import { isLostTransaction } from './firestore-errors';

/** Whole transactions run again after the backend lost one, beyond the client's own attempts. */
const LOST_TRANSACTION_RUNS = 3;

/**
 * `db.runTransaction`, run again from scratch when the backend answers that the transaction is
 * invalid, closed or expired. The client retries ABORTED itself, but its retry names the previous
 * transaction: once the backend has closed that one (the emulator does after a lock wait,
 * Firestore after expiry), every retry is refused with INVALID_ARGUMENT, which the client retries
 * only for "has expired". A fresh `runTransaction` starts without that reference.
 */
export async function transact<T>(
  db: Firestore,
  update: (tx: Transaction) => Promise<T>,
  options?: Parameters<Firestore['runTransaction']>[1],
): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await db.runTransaction(update, options);
    } catch (error) {
      if (run >= LOST_TRANSACTION_RUNS || !isLostTransaction(error)) throw error;
    }
  }
}
