import type { ReadMeter, TrainingRunReader } from '../../../../shared/ports';
import { TrainingRun } from '../../../../shared/schemas/training-run';
import type { FirestoreProvider } from './client';
import { COLLECTIONS } from './collections';
import { timestampsToIso } from './timestamps';
import { familyRunsShape } from './version-queries';
import { buildQuery } from './version-repository';

export function runFromDoc(data: Record<string, unknown>): TrainingRun {
  return TrainingRun.parse(timestampsToIso(data));
}

export class FirestoreTrainingRunRepository implements TrainingRunReader {
  constructor(private readonly firestore: FirestoreProvider, private readonly meter: ReadMeter = { add() {} }) {}

  async get(id: string): Promise<TrainingRun | null> {
    const { db } = await this.firestore();
    const snap = await db.collection(COLLECTIONS.trainingRuns).doc(id).get();
    this.meter.add(1);
    return snap.exists ? runFromDoc(snap.data()!) : null;
  }

  async runOfVersion(versionId: string): Promise<TrainingRun | null> {
    const { db } = await this.firestore();
    const snapshot = await db.collection(COLLECTIONS.trainingRuns).where('versionId', '==', versionId).limit(1).get();
    this.meter.add(1);
    return snapshot.empty ? null : runFromDoc(snapshot.docs[0]!.data());
  }

  async familyRuns(familyId: string, limit: number): Promise<TrainingRun[]> {
    const handle = await this.firestore();
    const snapshot = await buildQuery(handle, familyRunsShape(familyId)).limit(limit).get();
    this.meter.add(Math.max(1, snapshot.size));
    return snapshot.docs.map((d) => runFromDoc(d.data()));
  }
}
