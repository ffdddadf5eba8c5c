import type { Firestore, Transaction, WriteBatch } from '@google-cloud/firestore';
import type { RegistryEvent } from '../../../../shared/domain/registry-events';
import type { OutboxStore } from '../../../../shared/registry-ports';
import type { FirestoreProvider } from './client';
import { transact } from './transact';
import { guarded } from './firestore-errors';
import { REGISTRY_COLLECTIONS } from './registry-collections';
import { outboxDueShape } from './registry-queries';

/** Sent events are kept this long (a Firestore TTL policy on `expireAt` deletes them). */
const SENT_RETENTION_MS = 7 * 86_400_000;

/**
 * Writes an event to the outbox in the caller's transaction or batch, so that it exists exactly
 * when the change it announces was committed. `create`: an event id is never reused.
 */
export function addToOutbox(writer: Transaction | WriteBatch, db: Firestore, event: RegistryEvent, now: Date): void {
  writer.create(db.collection(REGISTRY_COLLECTIONS.outbox).doc(event.id), {
    event,
    type: event.type,
    state: 'pending',
    attempts: 0,
    createdAt: now,
    nextAttemptAt: now,
    lastError: null,
    messageId: null,
    sentAt: null,
  });
}

/** `outbox/{eventId}`: pending events until a drain has published them. */
export class FirestoreOutbox implements OutboxStore {
  constructor(private readonly firestore: FirestoreProvider) {}

  due(now: Date, limit: number): Promise<string[]> {
    return guarded(async () => {
      const { db } = await this.firestore();
      const shape = outboxDueShape();
      let query = db.collection(shape.collection).where('state', '==', 'pending');
      query = query.where('nextAttemptAt', '<=', now).orderBy(shape.order!.field, shape.order!.direction);
      const snapshot = await query.select().limit(limit).get();
      return snapshot.docs.map((d) => d.id);
    });
  }

  claim(id: string, now: Date, leaseMs: number): Promise<{ event: RegistryEvent; attempts: number } | null> {
    return guarded(async () => {
      const { db } = await this.firestore();
      const ref = db.collection(REGISTRY_COLLECTIONS.outbox).doc(id);
      return transact(db, async (tx) => {
        const snap = await tx.get(ref);
        if (!snap.exists || snap.get('state') !== 'pending') return null;
        if (snap.get('nextAttemptAt').toDate().getTime() > now.getTime()) return null;
        const attempts = Number(snap.get('attempts') ?? 0) + 1;
        tx.update(ref, { attempts, nextAttemptAt: new Date(now.getTime() + leaseMs) });
        return { event: snap.get('event') as RegistryEvent, attempts };
      });
    });
  }

  markSent(id: string, messageId: string, now: Date): Promise<void> {
    return guarded(async () => {
      const { db } = await this.firestore();
      await db.collection(REGISTRY_COLLECTIONS.outbox).doc(id).update({
        state: 'sent', messageId, sentAt: now, lastError: null, expireAt: new Date(now.getTime() + SENT_RETENTION_MS),
      });
    });
  }

  markFailed(id: string, error: string, retryAt: Date): Promise<void> {
    return guarded(async () => {
      const { db } = await this.firestore();
      await db.collection(REGISTRY_COLLECTIONS.outbox).doc(id).update({ lastError: error.slice(0, 1000), nextAttemptAt: retryAt });
    });
  }
}
