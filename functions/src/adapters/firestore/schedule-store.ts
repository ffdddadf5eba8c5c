import { ConflictError, ValidationError } from '../../../../shared/errors';
import { decodeCursor, encodeCursor } from '../../../../shared/domain/cursor';
import type { Page } from '../../../../shared/ports';
import { ScheduleRecord, type ScheduleSync } from '../../../../shared/schemas/schedule-api';
import type { ScheduleStore } from '../../../../shared/training-ports';
import type { FirestoreProvider } from './client';
import { transact } from './transact';
import { COLLECTIONS } from './collections';
import { indexSchedule, unindexSchedule } from './schedule-index';
import { timestampsToIso } from './timestamps';
import { scheduleListShape } from './training-queries';
import { buildQuery } from './version-repository';

const CURSOR_SORT = 'created';
const GRPC_ALREADY_EXISTS = 6;
const GRPC_NOT_FOUND = 5;

function recordFromDoc(data: Record<string, unknown>): ScheduleRecord {
  return ScheduleRecord.parse(timestampsToIso(data));
}

/** Schedules as stored documents (ISO strings, as the calendar reads them), with their job sync state; each write keeps the calendar's index. */
export class FirestoreScheduleStore implements ScheduleStore {
  constructor(private readonly firestore: FirestoreProvider) {}

  async create(schedule: ScheduleRecord): Promise<void> {
    const handle = await this.firestore();
    const batch = handle.db.batch();
    batch.create(handle.db.collection(COLLECTIONS.schedules).doc(schedule.id), schedule);
    indexSchedule(batch, handle, schedule);
    try {
      await batch.commit();
    } catch (error) {
      if ((error as { code?: number }).code === GRPC_ALREADY_EXISTS) {
        throw new ConflictError(`Training schedule '${schedule.id}' already exists`, { id: schedule.id }, 'ALREADY_EXISTS');
      }
      throw error;
    }
  }

  async get(id: string): Promise<ScheduleRecord | null> {
    const { db } = await this.firestore();
    const snap = await db.collection(COLLECTIONS.schedules).doc(id).get();
    return snap.exists ? recordFromDoc(snap.data()!) : null;
  }

  async list(pageSize: number, cursor?: string): Promise<Page<ScheduleRecord>> {
    const handle = await this.firestore();
    let query = buildQuery(handle, scheduleListShape());
    if (cursor) {
      const after = decodeCursor(cursor, CURSOR_SORT);
      if (typeof after.value !== 'string' || Number.isNaN(Date.parse(after.value))) throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor returned by this API' }]);
      query = query.startAfter(after.value, after.id);
    }
    const snapshot = await query.limit(pageSize + 1).get();
    const items = snapshot.docs.slice(0, pageSize).map((d) => recordFromDoc(d.data()));
    const last = items.at(-1);
    return {
      items,
      nextCursor: snapshot.size > pageSize && last ? encodeCursor({ sort: CURSOR_SORT, value: last.createdAt, id: last.id }) : null,
    };
  }

  async update(id: string, change: (current: ScheduleRecord) => ScheduleRecord): Promise<ScheduleRecord | null> {
    const handle = await this.firestore();
    const ref = handle.db.collection(COLLECTIONS.schedules).doc(id);
    return transact(handle.db, async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) return null;
      const next = change(recordFromDoc(snap.data()!));
      tx.set(ref, next);
      indexSchedule(tx, handle, next);
      return next;
    });
  }

  async delete(id: string): Promise<boolean> {
    const handle = await this.firestore();
    const batch = handle.db.batch();
    batch.delete(handle.db.collection(COLLECTIONS.schedules).doc(id), { exists: true });
    unindexSchedule(batch, handle, id);
    try {
      await batch.commit();
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === GRPC_NOT_FOUND) return false;
      throw error;
    }
  }

  async recordSync(id: string, revision: number, sync: ScheduleSync): Promise<void> {
    const { db } = await this.firestore();
    const ref = db.collection(COLLECTIONS.schedules).doc(id);
    await transact(db, async (tx) => {
      const snap = await tx.get(ref);
      if (snap.exists && Number(snap.get('revision') ?? 0) === revision) tx.update(ref, { sync });
    });
  }
}
