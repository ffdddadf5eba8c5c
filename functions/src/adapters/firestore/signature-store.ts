import type { SignatureClaim, SignatureStore, SigningKeyRecord } from '../../../../shared/signing-ports';
import type { VersionSignature } from '../../../../shared/schemas/model-version';
import type { FirestoreProvider } from './client';
import { transact } from './transact';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { versionFromDoc } from './version-codec';

/** A version's `signature` field, and `signingKeys/{hint}` (one document per key version that signed). */
export class FirestoreSignatureStore implements SignatureStore {
  constructor(private readonly firestore: FirestoreProvider) {}

  claim(versionId: string, now: Date, leaseMs: number): Promise<SignatureClaim> {
    return this.guard(async ({ db }) => {
      const ref = db.collection(COLLECTIONS.versions).doc(versionId);
      return transact<SignatureClaim>(db, async (tx) => {
        const snap = await tx.get(ref);
        if (!snap.exists) return { outcome: 'not_found' };
        const { signature } = versionFromDoc(snap.data()!);
        if (!signature) return { outcome: 'unsigned' };
        if (signature.state === 'signed') return { outcome: 'signed' };
        const since = signature.updatedAt ? now.getTime() - Date.parse(signature.updatedAt) : Infinity;
        if (signature.state === 'pending' && since < leaseMs) return { outcome: 'in_progress' };
        // Should this attempt die, the minute job takes it over once the lease is past.
        const claimed: VersionSignature = { ...signature, state: 'pending', updatedAt: now.toISOString(), nextRetryAt: new Date(now.getTime() + leaseMs).toISOString() };
        tx.update(ref, { signature: claimed });
        return { outcome: 'claimed', signature: claimed };
      });
    });
  }

  record(versionId: string, signature: VersionSignature): Promise<void> {
    return this.guard(async ({ db }) => {
      await db.collection(COLLECTIONS.versions).doc(versionId).update({ signature });
    });
  }

  due(now: Date, limit: number): Promise<string[]> {
    return this.guard(async ({ db }) => {
      // One range on one field: served by the automatic single-field index. ISO strings order as instants.
      const snapshot = await db.collection(COLLECTIONS.versions).where('signature.nextRetryAt', '<=', now.toISOString())
        .orderBy('signature.nextRetryAt', 'asc').select().limit(limit).get();
      return snapshot.docs.map((d) => d.id);
    });
  }

  rememberKey(key: SigningKeyRecord): Promise<void> {
    return this.guard(async ({ db }) => {
      try {
        await db.collection(COLLECTIONS.signingKeys).doc(key.hint).create(key);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 6) throw error; // ALREADY_EXISTS: the first signing is kept
      }
    });
  }

  keys(): Promise<SigningKeyRecord[]> {
    return this.guard(async ({ db }) => {
      const snapshot = await db.collection(COLLECTIONS.signingKeys).orderBy('firstSignedAt', 'asc').limit(1000).get();
      return snapshot.docs.map((d) => d.data() as SigningKeyRecord);
    });
  }

  private guard<T>(fn: (handle: Awaited<ReturnType<FirestoreProvider>>) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}
