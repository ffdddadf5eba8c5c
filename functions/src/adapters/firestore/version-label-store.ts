import { z } from 'zod';
import type { LabelClaim, VersionLabelStore } from '../../../../shared/artifact-ports';
import { IsoDateTime } from '../../../../shared/schemas/common';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { transact } from './transact';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';

/** `families/{familyId}/versionLabels/{label}`: who holds an explicit label of the family. */
const LABELS = 'versionLabels';

const LabelDoc = z.object({
  label: z.string(),
  pushId: z.string(),
  versionId: z.string().nullable(),
  claimedAt: IsoDateTime,
});
type LabelDoc = z.infer<typeof LabelDoc>;

export class FirestoreVersionLabelStore implements VersionLabelStore {
  constructor(private readonly firestore: FirestoreProvider) {}

  claim(familyId: string, label: string, pushId: string, now: Date, leaseMs: number): Promise<LabelClaim> {
    return this.guard(({ db }) => transact<LabelClaim>(db, async (tx) => {
      const ref = labelRef(db, familyId, label);
      const snap = await tx.get(ref);
      const claim: LabelDoc = { label, pushId, versionId: null, claimedAt: now.toISOString() };
      if (!snap.exists) {
        tx.create(ref, claim);
        return { outcome: 'claimed' };
      }
      const current = LabelDoc.parse(snap.data());
      // The same push again (a retry, or its version already has the label): the caller decides.
      if (current.pushId === pushId) return { outcome: 'claimed' };
      if (current.versionId !== null) return { outcome: 'taken', versionId: current.versionId };
      if (now.getTime() - Date.parse(current.claimedAt) < leaseMs) return { outcome: 'taken', versionId: null };
      // A stale claim: its promotion died, unless it registered the version and died before binding.
      const push = await tx.get(db.collection(COLLECTIONS.pushes).doc(current.pushId));
      const versionId = push.exists && push.get('state') === 'registered' ? String(push.get('versionId')) : null;
      if (versionId) {
        const version = await tx.get(db.collection(COLLECTIONS.versions).doc(versionId));
        if (version.exists && version.get('versionLabel') === label) {
          tx.update(ref, { versionId });
          return { outcome: 'taken', versionId };
        }
      }
      tx.set(ref, claim);
      return { outcome: 'claimed' };
    }));
  }

  bind(familyId: string, label: string, pushId: string, versionId: string): Promise<void> {
    return this.guard(({ db }) => transact(db, async (tx) => {
      const ref = labelRef(db, familyId, label);
      const snap = await tx.get(ref);
      if (snap.exists && snap.get('pushId') !== pushId) return;
      tx.set(ref, { label, pushId, versionId, claimedAt: snap.exists ? snap.get('claimedAt') : new Date().toISOString() });
    }));
  }

  release(familyId: string, label: string, pushId: string): Promise<void> {
    return this.guard(({ db }) => transact(db, async (tx) => {
      const ref = labelRef(db, familyId, label);
      const snap = await tx.get(ref);
      if (snap.exists && snap.get('pushId') === pushId && snap.get('versionId') === null) tx.delete(ref);
    }));
  }

  private guard<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}

function labelRef(db: FirestoreHandle['db'], familyId: string, label: string) {
  return db.collection(COLLECTIONS.families).doc(familyId).collection(LABELS).doc(label);
}
