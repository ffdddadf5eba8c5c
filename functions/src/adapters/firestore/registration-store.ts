import type { RegistryEvent } from '../../../../shared/domain/registry-events';
import type { MirrorClaim, PushClaim, RegistrationRequest, RegistrationResult, RegistrationStore } from '../../../../shared/register-ports';
import { Family } from '../../../../shared/schemas/family';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import { PushRecord } from '../../../../shared/schemas/push-record';
import type { FirestoreProvider } from './client';
import { transact } from './transact';
import { countVersionChange } from './summary-counters';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { addToOutbox } from './outbox';
import { mirrorsDueShape } from './registry-queries';
import { timestampsToIso } from './timestamps';
import { versionFromDoc, versionToDoc } from './version-codec';

/** `pushes/{pushId}`: registration's idempotency records and outcomes. */
const PUSHES_COLLECTION = COLLECTIONS.pushes;

export interface RegistrationStoreOptions {
  /**
   * Attempts of a contended transaction before giving up (the error is then transient and the
   * event redelivered). Every push of a family updates the family document, so bursts contend.
   */
  maxTransactionAttempts: number;
}

export class FirestoreRegistrationStore implements RegistrationStore {
  private readonly familyQueue = new KeyedQueue();

  constructor(
    private readonly firestore: FirestoreProvider,
    private readonly options: RegistrationStoreOptions = { maxTransactionAttempts: 20 },
  ) {}

  claimPush(claim: Pick<PushRecord, 'id' | 'bucket' | 'prefix' | 'objectName' | 'eventId' | 'recordedAt'>, leaseMs: number): Promise<PushClaim> {
    return this.guard(async ({ db }) => {
      const ref = db.collection(PUSHES_COLLECTION).doc(claim.id);
      const record = PushRecord.parse({ ...claim, state: 'registering' });
      try {
        await ref.create(record);
        return { outcome: 'claimed' };
      } catch (error) {
        if (codeOf(error) !== ALREADY_EXISTS) throw error;
      }
      const snap = await ref.get();
      if (!snap.exists) return { outcome: 'in_progress', eventId: null }; // deleted meanwhile: let a redelivery retry
      const current = PushRecord.parse(timestampsToIso(snap.data()));
      if (current.state === 'registered') return { outcome: 'registered', versionId: current.versionId ?? '', listedAt: current.listedAt };
      const heldFor = Date.parse(claim.recordedAt) - Date.parse(current.recordedAt);
      if (current.state === 'registering' && current.eventId !== claim.eventId && heldFor < leaseMs) {
        return { outcome: 'in_progress', eventId: current.eventId };
      }
      try {
        // Only if nobody changed it since it was read: two events cannot both take it over. The last
        // refusal stays on the record, so that the same refusal again is not announced again.
        await ref.update({ ...record, code: current.code, message: current.message }, { lastUpdateTime: snap.updateTime! });
        return { outcome: 'claimed' };
      } catch (error) {
        if (codeOf(error) === FAILED_PRECONDITION) return { outcome: 'in_progress', eventId: null };
        throw error;
      }
    });
  }

  /**
   * Every registration of a family updates the family document: concurrent ones in this process
   * are queued (contending transactions back off for seconds); the transaction still orders those
   * of different instances.
   */
  register(request: RegistrationRequest): Promise<RegistrationResult> {
    return this.familyQueue.run(request.family.id, () => this.guard(async (handle) => {
      const { db } = handle;
      const pushRef = db.collection(PUSHES_COLLECTION).doc(request.push.id);
      const familyRef = db.collection(COLLECTIONS.families).doc(request.family.id);
      return transact<RegistrationResult>(db, async (tx) => {
        const [push, family] = await tx.getAll(pushRef, familyRef);
        if (push!.exists && push!.get('state') === 'registered') return { outcome: 'duplicate', versionId: String(push!.get('versionId')) };

        const number = (family!.exists ? Number(family!.get('latestVersion') ?? 0) : 0) + 1;
        const version = request.build(number);
        // create(): a version document is never overwritten, whatever wrote the number before.
        tx.create(db.collection(COLLECTIONS.versions).doc(version.id), versionToDoc(version));
        countVersionChange(tx, handle, null, version);
        if (family!.exists) {
          tx.update(familyRef, { latestVersion: number, updatedAt: version.registeredAt });
        } else {
          tx.create(familyRef, Family.parse({
            id: request.family.id, name: request.family.id, modelType: request.family.modelType,
            latestVersion: number, createdAt: version.registeredAt, updatedAt: version.registeredAt,
          }));
        }
        tx.set(pushRef, PushRecord.parse({ ...request.push, state: 'registered', versionId: version.id }));
        if (request.trainingRunId) tx.update(db.collection(COLLECTIONS.trainingRuns).doc(request.trainingRunId), { versionId: version.id });
        // Committed with the version: announced even if this instance dies right after the commit.
        const event = request.registeredEvent(version);
        addToOutbox(tx, db, event, new Date(version.registeredAt));
        return { outcome: 'registered', version, eventId: event.id };
      }, { maxAttempts: this.options.maxTransactionAttempts });
    }));
  }

  notePush(pushId: string, note: string): Promise<void> {
    return this.guard(async ({ db, fs }) => {
      await db.collection(PUSHES_COLLECTION).doc(pushId).update({ notes: fs.FieldValue.arrayUnion(note) });
    });
  }

  recordFailedPush(record: PushRecord, event: RegistryEvent): Promise<boolean> {
    return this.guard(async ({ db }) => {
      const ref = db.collection(PUSHES_COLLECTION).doc(record.id);
      const data = PushRecord.parse(record);
      // Events of one directory fail together: write-if-unchanged rather than a contended transaction.
      for (let attempt = 1; ; attempt++) {
        const current = await ref.get();
        const state: unknown = current.get('state');
        if (state === 'registered') return false;
        // Refused like this before (by another event of the directory, or an earlier attempt of
        // the push now refused again): nothing new to announce.
        const known = current.exists && current.get('code') === data.code;
        if (known && state === 'failed') return false;
        // One batch: the record and its event are committed together, or neither is.
        const batch = db.batch();
        if (current.exists) batch.update(ref, data, { lastUpdateTime: current.updateTime! });
        else batch.create(ref, data);
        if (!known) addToOutbox(batch, db, event, new Date(record.recordedAt));
        try {
          await batch.commit();
          return !known;
        } catch (error) {
          const lostRace = codeOf(error) === ALREADY_EXISTS || codeOf(error) === FAILED_PRECONDITION;
          if (!lostRace || attempt >= 5) throw error;
        }
      }
    });
  }

  findVersionOfRun(trainingRunId: string): Promise<string | null> {
    return this.guard(async ({ db }) => {
      // A single equality: served by the automatic single-field index.
      const snapshot = await db.collection(COLLECTIONS.versions).where('trainingRunId', '==', trainingRunId).select().limit(1).get();
      return snapshot.docs[0]?.id ?? null;
    });
  }

  claimMirror(versionId: string, now: Date, leaseMs: number): Promise<MirrorClaim> {
    return this.guard(async ({ db }) => {
      const ref = db.collection(COLLECTIONS.versions).doc(versionId);
      return transact<MirrorClaim>(db, async (tx) => {
        const snap = await tx.get(ref);
        if (!snap.exists) return { outcome: 'not_found' };
        const version = versionFromDoc(snap.data()!);
        const { vertex } = version;
        if (vertex.state === 'mirrored') return { outcome: 'mirrored', version };
        const since = vertex.updatedAt ? now.getTime() - Date.parse(vertex.updatedAt) : Infinity;
        if (vertex.state === 'pending' && since < leaseMs) return { outcome: 'in_progress', version };
        // Should this attempt die, the minute job takes the mirror over once the lease is past.
        const claimed: ModelVersion['vertex'] = { ...vertex, state: 'pending', updatedAt: now.toISOString(), nextRetryAt: new Date(now.getTime() + leaseMs).toISOString() };
        tx.update(ref, { vertex: claimed });
        return { outcome: 'claimed', version: { ...version, vertex: claimed } };
      }, { maxAttempts: this.options.maxTransactionAttempts });
    });
  }

  recordMirror(versionId: string, vertex: ModelVersion['vertex']): Promise<void> {
    return this.guard(async ({ db }) => {
      await db.collection(COLLECTIONS.versions).doc(versionId).update({ vertex });
    });
  }

  mirrorsDue(now: Date, limit: number): Promise<string[]> {
    return this.guard(async ({ db }) => {
      const shape = mirrorsDueShape();
      // ISO strings of one format order as the instants they name.
      const snapshot = await db.collection(shape.collection).where(shape.order!.field, '<=', now.toISOString())
        .orderBy(shape.order!.field, 'asc').select().limit(limit).get();
      return snapshot.docs.map((d) => d.id);
    });
  }

  private guard<T>(fn: (handle: Awaited<ReturnType<FirestoreProvider>>) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}

/** Runs tasks with the same key one after another (and tasks with different keys concurrently). */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

