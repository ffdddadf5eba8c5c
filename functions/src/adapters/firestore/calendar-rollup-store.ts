import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { buildRollups, rollupDelta, type CalendarRollup } from '../../../../shared/domain/calendar-rollups';
import type { TrainingRun } from '../../../../shared/schemas/training-run';
import type { FirestoreModule } from './client';
import { COLLECTIONS } from './collections';
import { incrementsOf } from './increments';
import { runFromDoc } from './run-repository';

/** A write of `set(data, { merge: true })`: counts become increments, so concurrent outcomes add up. */
export interface RollupWrite {
  ref: DocumentReference;
  data: Record<string, unknown>;
}

function increments(fs: FirestoreModule, counts: Record<string, Record<string, number>>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(counts).map(([key, cells]) => [key, incrementsOf(fs, cells)]));
}

/** Adds a week's counts (of one run, or summed over many) to its stored rollup. */
export function weekAddition(db: Firestore, fs: FirestoreModule, weekId: string, delta: CalendarRollup): RollupWrite {
  return {
    ref: db.collection(COLLECTIONS.calendarWeeks).doc(weekId),
    data: { weekStart: weekId, groups: delta.groups, placed: increments(fs, delta.placed), due: increments(fs, delta.due), latest: delta.latest },
  };
}

/** What recording a run's outcome adds to the calendar's week rollups; none for a run still in flight. */
export function rollupWrites(db: Firestore, fs: FirestoreModule, run: TrainingRun): RollupWrite[] {
  return [...rollupDelta(run)].map(([weekId, delta]) => weekAddition(db, fs, weekId, delta));
}

export interface BackfillReport {
  runs: number;
  weeks: number;
  removed: number;
}

/**
 * Rebuilds every week rollup from the run documents: idempotent (each week is overwritten with
 * what its runs add up to, and weeks without runs are removed). Outcomes recorded while it runs may
 * be counted twice or not at all in their week: run it again once they are recorded, or when quiet.
 */
export async function rebuildCalendarRollups(db: Firestore, pageSize = 1000): Promise<BackfillReport> {
  const runs: TrainingRun[] = [];
  let last: string | undefined;
  for (;;) {
    let query = db.collection(COLLECTIONS.trainingRuns).orderBy('__name__').limit(pageSize);
    if (last) query = query.startAfter(last);
    const page = await query.get();
    for (const doc of page.docs) runs.push(runFromDoc(doc.data()));
    if (page.size < pageSize) break;
    last = page.docs[page.size - 1]!.id;
  }
  const weeks = buildRollups(runs);
  const existing = await db.collection(COLLECTIONS.calendarWeeks).listDocuments();
  const writer = db.bulkWriter();
  for (const [id, doc] of weeks) void writer.set(db.collection(COLLECTIONS.calendarWeeks).doc(id), doc satisfies CalendarRollup);
  const stale = existing.filter((ref) => !weeks.has(ref.id));
  for (const ref of stale) void writer.delete(ref);
  await writer.close();
  return { runs: runs.length, weeks: weeks.size, removed: stale.length };
}
