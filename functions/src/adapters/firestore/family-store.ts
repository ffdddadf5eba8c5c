import { ConflictError } from '../../../../shared/errors';
import type { FamilyStore } from '../../../../shared/artifact-ports';
import { Family } from '../../../../shared/schemas/family';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { timestampsToIso } from './timestamps';

const ALREADY_EXISTS = 6;

/** `families/{id}`; the registration transaction advances `latestVersion`, the version counter. */
export class FirestoreFamilyStore implements FamilyStore {
  constructor(private readonly firestore: FirestoreProvider) {}

  create(family: Family): Promise<void> {
    return this.guard(async ({ db }) => {
      try {
        await db.collection(COLLECTIONS.families).doc(family.id).create(Family.parse(family));
      } catch (error) {
        if (codeOf(error) === ALREADY_EXISTS) throw new ConflictError(`Family '${family.id}' already exists`, { familyId: family.id }, 'ALREADY_EXISTS');
        throw error;
      }
    });
  }

  get(id: string): Promise<Family | null> {
    return this.guard(async ({ db }) => {
      const snap = await db.collection(COLLECTIONS.families).doc(id).get();
      return snap.exists ? Family.parse(timestampsToIso(snap.data())) : null;
    });
  }

  list(afterId: string | null, limit: number): Promise<Family[]> {
    return this.guard(async ({ db, fs }) => {
      // Document-id order needs no composite index.
      let query = db.collection(COLLECTIONS.families).orderBy(fs.FieldPath.documentId());
      if (afterId !== null) query = query.startAfter(afterId);
      const snapshot = await query.limit(limit).get();
      return snapshot.docs.map((d) => Family.parse(timestampsToIso(d.data())));
    });
  }

  countVersions(familyId: string): Promise<number> {
    return this.guard(async ({ db }) => {
      // One equality: the automatic single-field index serves the aggregation.
      const snapshot = await db.collection(COLLECTIONS.versions).where('familyId', '==', familyId).count().get();
      return snapshot.data().count;
    });
  }

  private guard<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
