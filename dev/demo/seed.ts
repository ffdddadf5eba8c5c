import type { Firestore } from '@google-cloud/firestore';
import type { Family } from '../../shared/schemas/family';
import type { ModelVersion } from '../../shared/schemas/model-version';
import type { Schedule } from '../../shared/schemas/schedule';
import type { TrainingRun } from '../../shared/schemas/training-run';
import { COLLECTIONS } from '../../functions/src/adapters/firestore/collections';
import { versionToDoc } from '../../functions/src/adapters/firestore/version-codec';
import { weekAddition } from '../../functions/src/adapters/firestore/calendar-rollup-store';
import { incrementsOf } from '../../functions/src/adapters/firestore/increments';
import { summaryShardRef } from '../../functions/src/adapters/firestore/summary-counters';
import { indexEntry, scheduleIndexRef } from '../../functions/src/adapters/firestore/schedule-index';
import { buildRollups } from '../../shared/domain/calendar-rollups';
import { addCounts, contribution, zeroCounts } from '../../shared/domain/summary-counts';

export interface RegistryData {
  families?: Family[];
  versions?: ModelVersion[];
  runs?: TrainingRun[];
  schedules?: Schedule[];
}

/**
 * Writes documents exactly as the registry stores them (same codec), in bulk, with what the
 * registry's transactions derive from them: KPI counters for versions, week rollups for ended runs,
 * the calendar's index of active schedules.
 */
export async function seedRegistry(db: Firestore, data: RegistryData): Promise<void> {
  const fs = await import('@google-cloud/firestore');
  const writer = db.bulkWriter();
  for (const f of data.families ?? []) void writer.set(db.collection(COLLECTIONS.families).doc(f.id), f);
  for (const v of data.versions ?? []) void writer.set(db.collection(COLLECTIONS.versions).doc(v.id), versionToDoc(v));
  for (const r of data.runs ?? []) void writer.set(db.collection(COLLECTIONS.trainingRuns).doc(r.id), r);
  for (const s of data.schedules ?? []) void writer.set(db.collection(COLLECTIONS.schedules).doc(s.id), s);
  // One merged write for the calendar's index (a bulk writer may not write one document twice at once).
  const active = (data.schedules ?? []).filter((s) => s.state === 'active');
  if (active.length) void writer.set(scheduleIndexRef(db), { schedules: Object.fromEntries(active.map((s) => [s.id, indexEntry(s)])) }, { merge: true });
  if (data.versions?.length) {
    const sum = data.versions.reduce((counts, v) => addCounts(counts, contribution(v)), zeroCounts());
    const lastBlessedAt: Record<string, string> = {};
    for (const v of data.versions) {
      const at = new Date(v.registeredAt).toISOString();
      if (v.blessed && !(lastBlessedAt[v.familyId]! >= at)) lastBlessedAt[v.familyId] = at;
    }
    void writer.set(summaryShardRef(db, 0), { ...incrementsOf(fs, sum), lastBlessedAt }, { merge: true });
  }
  // One merged write per week with the sums of all its runs, not one increment per run.
  for (const [weekId, sums] of buildRollups(data.runs ?? [])) {
    const { ref, data: addition } = weekAddition(db, fs, weekId, sums);
    void writer.set(ref, addition, { merge: true });
  }
  await writer.close();
}
