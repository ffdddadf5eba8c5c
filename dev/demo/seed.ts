import type { Firestore } from '@google-cloud/firestore';
import type { Family } from '../../shared/schemas/family';
import type { ModelVersion } from '../../shared/schemas/model-version';
import type { Schedule } from '../../shared/schemas/schedule';
import type { TrainingRun } from '../../shared/schemas/training-run';
import { COLLECTIONS } from '../../functions/src/adapters/firestore/collections';
import { versionToDoc } from '../../functions/src/adapters/firestore/version-codec';
import { weekAddition } from '../../functions/src/adapters/firestore/calendar-rollup-store';
import { buildRollups } from '../../shared/domain/calendar-rollups';
import { addCounts, contribution, zeroCounts } from '../../shared/domain/summary-counts';

export interface RegistryData {
  families?: Family[];
  versions?: ModelVersion[];
  runs?: TrainingRun[];
  schedules?: Schedule[];
}

/** Writes documents exactly as the registry stores them (same codec), in bulk. */
export async function seedRegistry(db: Firestore, data: RegistryData): Promise<void> {
  const writer = db.bulkWriter();
  for (const f of data.families ?? []) void writer.set(db.collection(COLLECTIONS.families).doc(f.id), f);
  for (const v of data.versions ?? []) void writer.set(db.collection(COLLECTIONS.versions).doc(v.id), versionToDoc(v));
  for (const r of data.runs ?? []) void writer.set(db.collection(COLLECTIONS.trainingRuns).doc(r.id), r);
  for (const s of data.schedules ?? []) void writer.set(db.collection(COLLECTIONS.schedules).doc(s.id), s);
  await writer.close();
  if (data.versions?.length) await addToSummaryCounters(db, data.versions);
  // Runs that ended add to the calendar's week rollups, as recording their outcome does: one
  // merged write per week with the sums of all its runs.
  if (!data.runs?.length) return;
  const fs = await import('@google-cloud/firestore');
  const rollups = db.bulkWriter();
  for (const [weekId, sums] of buildRollups(data.runs)) {
    const { ref, data: addition } = weekAddition(db, fs, weekId, sums);
    void rollups.set(ref, addition, { merge: true });
  }
  await rollups.close();
}

/** Versions written here count in the KPI counters, as registering them does. */
async function addToSummaryCounters(db: Firestore, versions: ModelVersion[]): Promise<void> {
  const sum = versions.reduce((counts, v) => addCounts(counts, contribution(v)), zeroCounts());
  const fs = await import('@google-cloud/firestore');
  await db.collection(COLLECTIONS.counters).doc('versionSummary-0')
    .set(Object.fromEntries(Object.entries(sum).map(([k, n]) => [k, fs.FieldValue.increment(n)])), { merge: true });
}
