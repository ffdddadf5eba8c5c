import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import { ConflictError, NotFoundError } from '../../../../shared/errors';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import { ApprovalsRecord, PromotionPolicy, type AliasRule, type Approval } from '../../../../shared/schemas/policy';
import { AUDITED_TX, openAuditChain } from './audit-log';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { transact } from './transact';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { SUBCOLLECTIONS } from './registry-collections';
import type { PolicyStore } from '../../../../shared/policy-ports';
import { versionFromDoc } from './version-codec';

export function policyRef(db: Firestore, familyId: string): DocumentReference {
  return db.collection(COLLECTIONS.promotionPolicies).doc(familyId);
}

export function approvalsRef(db: Firestore, familyId: string, alias: string, version: number): DocumentReference {
  return db.collection(COLLECTIONS.families).doc(familyId).collection(SUBCOLLECTIONS.aliasApprovals).doc(`${alias}@v${version}`);
}

export function emptyPolicy(familyId: string): PromotionPolicy {
  return { familyId, protectedAliases: {}, revision: 0, updatedAt: null, updatedBy: null };
}

function policyOf(familyId: string, data: unknown): PromotionPolicy {
  return data ? PromotionPolicy.parse(data) : emptyPolicy(familyId);
}

/** In the caller's transaction: the alias's rule, or null when the family does not protect it. */
export async function readAliasRule(tx: Transaction, db: Firestore, familyId: string, alias: string): Promise<AliasRule | null> {
  const snap = await tx.get(policyRef(db, familyId));
  return policyOf(familyId, snap.data()).protectedAliases[alias] ?? null;
}

export async function readApprovals(tx: Transaction, db: Firestore, familyId: string, alias: string, version: number): Promise<Approval[]> {
  const snap = await tx.get(approvalsRef(db, familyId, alias, version));
  return snap.exists ? ApprovalsRecord.parse(snap.data()).approvals : [];
}

/**
 * Promotion policies (`promotionPolicies/{familyId}`) and approvals
 * (`families/{id}/aliasApprovals/{alias}@v{n}`); each change is audited in its own transaction.
 */
export class FirestorePolicyStore implements PolicyStore {
  constructor(private readonly firestore: FirestoreProvider, private readonly now: () => Date) {}

  get(familyId: string): Promise<PromotionPolicy> {
    return this.run(async ({ db }) => policyOf(familyId, (await policyRef(db, familyId).get()).data()));
  }

  put(p: { familyId: string; protectedAliases: Record<string, AliasRule>; expectedRevision: number | undefined; actor: string; reason: string | null }): Promise<{ changed: boolean; policy: PromotionPolicy }> {
    return this.run(({ db }) => transact(db, async (tx) => {
      const [familySnap, policySnap] = await tx.getAll(db.collection(COLLECTIONS.families).doc(p.familyId), policyRef(db, p.familyId));
      if (!familySnap!.exists) throw new NotFoundError('Family', p.familyId);
      const current = policyOf(p.familyId, policySnap!.data());
      if (p.expectedRevision !== undefined && p.expectedRevision !== current.revision) {
        throw new ConflictError(`The policy of '${p.familyId}' is at revision ${current.revision}, not ${p.expectedRevision}`, {
          familyId: p.familyId, revision: current.revision, expectedRevision: p.expectedRevision,
        }, 'VERSION_MISMATCH');
      }
      if (JSON.stringify(sorted(current.protectedAliases)) === JSON.stringify(sorted(p.protectedAliases))) return { changed: false, policy: current };
      const audit = await openAuditChain(tx, db, this.now);
      const policy: PromotionPolicy = {
        familyId: p.familyId, protectedAliases: p.protectedAliases, revision: current.revision + 1,
        updatedAt: this.now().toISOString(), updatedBy: p.actor,
      };
      tx.set(policyRef(db, p.familyId), PromotionPolicy.parse(policy));
      audit.append({
        kind: 'policy.changed', familyId: p.familyId, subject: p.familyId, actor: p.actor, reason: p.reason,
        before: { revision: current.revision, protectedAliases: current.protectedAliases },
        after: { revision: policy.revision, protectedAliases: policy.protectedAliases },
      });
      return { changed: true, policy };
    }, AUDITED_TX));
  }

  /** Records a deployer's approval of moving `alias` to the version (once per deployer), audited. */
  approve(p: { familyId: string; alias: string; versionId: string; actor: string; reason: string | null }): Promise<{ changed: boolean; record: ApprovalsRecord }> {
    return this.run(({ db }) => transact(db, async (tx) => {
      const versionSnap = await tx.get(db.collection(COLLECTIONS.versions).doc(p.versionId));
      if (!versionSnap.exists) throw new NotFoundError('Model version', p.versionId);
      const version: ModelVersion = versionFromDoc(versionSnap.data()!);
      if (version.familyId !== p.familyId) throw new NotFoundError('Model version', p.versionId);
      if (version.archived) throw new ConflictError(`Model version '${version.id}' is archived: an alias cannot name it`, { versionId: version.id });
      const ref = approvalsRef(db, p.familyId, p.alias, version.version);
      const snap = await tx.get(ref);
      const existing: ApprovalsRecord = snap.exists
        ? ApprovalsRecord.parse(snap.data())
        : { familyId: p.familyId, alias: p.alias, version: version.version, versionId: version.id, approvals: [] };
      if (existing.approvals.some((a) => a.actor === p.actor)) return { changed: false, record: existing };
      const audit = await openAuditChain(tx, db, this.now);
      const record: ApprovalsRecord = { ...existing, approvals: [...existing.approvals, { actor: p.actor, at: this.now().toISOString(), reason: p.reason }] };
      tx.set(ref, record);
      audit.append({
        kind: 'alias.approved', familyId: p.familyId, subject: `${p.familyId}@${p.alias}`, actor: p.actor, reason: p.reason,
        before: { version: version.version, approvals: existing.approvals.length },
        after: { version: version.version, versionId: version.id, approvals: record.approvals.length },
      });
      return { changed: true, record };
    }, AUDITED_TX));
  }

  approvals(familyId: string, alias: string, version: number): Promise<Approval[]> {
    return this.run(async ({ db }) => {
      const snap = await approvalsRef(db, familyId, alias, version).get();
      return snap.exists ? ApprovalsRecord.parse(snap.data()).approvals : [];
    });
  }

  private async run<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}

/** Key order does not make a policy different. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sorted(v)]));
  return value;
}
