import type { Firestore } from '@google-cloud/firestore';
import type { Family } from '../../shared/schemas/family';
import type { ModelVersion } from '../../shared/schemas/model-version';
import type { Schedule } from '../../shared/schemas/schedule';
import type { TrainingRun } from '../../shared/schemas/training-run';
import { COLLECTIONS } from '../../functions/src/adapters/firestore/collections';
import { versionToDoc } from '../../functions/src/adapters/firestore/version-codec';

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
}
