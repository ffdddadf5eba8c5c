import type { DocumentReference, Firestore, SetOptions } from '@google-cloud/firestore';
import { Schedule } from '../../../../shared/schemas/schedule';
import type { FirestoreHandle } from './client';
import { transact } from './transact';
import { COLLECTIONS } from './collections';
import { activeSchedulesShape } from './calendar-queries';
import { timestampsToIso } from './timestamps';
import { buildQuery } from './version-repository';

/**
 * `calendarSchedules/active`: what the calendar needs of every active schedule, in one document
 * kept by the writes that create, change and delete schedules (in the same batch or transaction).
 * The calendar then costs one read for its schedules instead of one per schedule. A thousand
 * schedules (the calendar's limit) take a few hundred KB of the 1 MiB a document may hold.
 * Each entry is the schedule as a JSON string, not a map: the client decodes one value per schedule
 * instead of fifteen, which was a fifth of the calendar's CPU. Entries written as maps (before that
 * change) are still read, and the minute job's reconcile rewrites them.
 */
export const scheduleIndexRef = (db: Firestore) => db.collection(COLLECTIONS.calendarSchedules).doc('active');

/** A schedule as indexed: its parameters are the pipeline's business, not the calendar's. */
export type IndexedSchedule = Omit<Schedule, 'parameters'>;

/** A transaction, batch or bulk writer. */
interface Writer {
  set(ref: DocumentReference, data: Record<string, unknown>, options: SetOptions): unknown;
}

export function indexedSchedule(schedule: Schedule): IndexedSchedule {
  const { id, name, familyId, modelType, type, runAt, time, dayOfWeek, cron, timeZone, pipelineTemplate, state, createdAt, updatedAt, createdBy } = schedule;
  return { id, name, familyId, modelType, type, runAt, time, dayOfWeek, cron, timeZone, pipelineTemplate, state, createdAt, updatedAt, createdBy };
}

/** A schedule's entry in the index. */
export function indexEntry(schedule: Schedule): string {
  return JSON.stringify(indexedSchedule(schedule));
}

/** Adds, replaces or (when not active) removes the schedule's entry. */
export function indexSchedule(writer: Writer, { db, fs }: FirestoreHandle, schedule: Schedule): void {
  writer.set(scheduleIndexRef(db), { schedules: { [schedule.id]: schedule.state === 'active' ? indexEntry(schedule) : fs.FieldValue.delete() } }, { merge: true });
}

export function unindexSchedule(writer: Writer, { db, fs }: FirestoreHandle, id: string): void {
  writer.set(scheduleIndexRef(db), { schedules: { [id]: fs.FieldValue.delete() } }, { merge: true });
}

/** The active schedules in id order (the query's), or null when the index was never built. */
export function schedulesOfIndex(data: Record<string, unknown> | undefined): Schedule[] | null {
  if (!data) return null;
  const entries = (data.schedules ?? {}) as Record<string, string | Record<string, unknown>>;
  return Object.keys(entries).sort().map((id) => {
    const entry = entries[id]!;
    return Schedule.parse(typeof entry === 'string' ? JSON.parse(entry) : timestampsToIso(entry));
  });
}

function hasMapEntries(data: Record<string, unknown> | undefined): boolean {
  return Object.values((data?.schedules ?? {}) as Record<string, unknown>).some((entry) => typeof entry !== 'string');
}

export interface ScheduleIndexReport {
  schedules: number;
  repaired: boolean;
}

/**
 * Rebuilds the index from the schedules (the backfill, and the minute job's periodic check): one
 * transaction, so a schedule written meanwhile makes it retry rather than be lost.
 */
export async function reconcileScheduleIndex(handle: FirestoreHandle): Promise<ScheduleIndexReport> {
  const { db } = handle;
  return transact(db, async (tx) => {
    const [index, active] = await Promise.all([tx.get(scheduleIndexRef(db)), tx.get(buildQuery(handle, activeSchedulesShape()))]);
    // Both in id order, as schedulesOfIndex gives them.
    const wanted = active.docs.map((d) => indexedSchedule(Schedule.parse(timestampsToIso(d.data())))).sort((a, b) => (a.id < b.id ? -1 : 1));
    const stored = schedulesOfIndex(index.data())?.map(indexedSchedule);
    const repaired = !stored || hasMapEntries(index.data()) || JSON.stringify(stored) !== JSON.stringify(wanted);
    if (repaired) tx.set(scheduleIndexRef(db), { schedules: Object.fromEntries(wanted.map((s) => [s.id, JSON.stringify(s)])) });
    return { schedules: active.size, repaired };
  });
}
