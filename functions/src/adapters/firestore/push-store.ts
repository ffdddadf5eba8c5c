import type { PushReader } from '../../../../shared/artifact-ports';
import { PushRecord } from '../../../../shared/schemas/push-record';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { timestampsToIso } from './timestamps';

/** Reads of `pushes/{pushId}`, the outcome of each pushed directory (registration writes them). */
export class FirestorePushReader implements PushReader {
  constructor(private readonly firestore: FirestoreProvider) {}

  get(id: string): Promise<PushRecord | null> {
    return this.guard(async ({ db }) => {
      const snap = await db.collection(COLLECTIONS.pushes).doc(id).get();
      return snap.exists ? PushRecord.parse(timestampsToIso(snap.data())) : null;
    });
  }

  recent(after: { recordedAt: string; id: string } | null, limit: number): Promise<PushRecord[]> {
    return this.guard(async ({ db, fs }) => {
      // One field and the document id: the automatic single-field index serves it.
      let query = db.collection(COLLECTIONS.pushes).orderBy('recordedAt', 'desc').orderBy(fs.FieldPath.documentId(), 'desc');
      if (after) query = query.startAfter(after.recordedAt, after.id);
      const snapshot = await query.limit(limit).get();
      return snapshot.docs.map((d) => PushRecord.parse(timestampsToIso(d.data())));
    });
  }

  private guard<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}
