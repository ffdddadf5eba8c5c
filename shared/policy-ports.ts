import type { AliasRule, ApprovalsRecord, PromotionPolicy } from './schemas/policy';

/** Promotion policies and approvals (Firestore: `promotionPolicies/{familyId}`, `families/{id}/aliasApprovals`). */
export interface PolicyStore {
  /** The family's policy (revision 0 and nothing protected when none was declared). */
  get(familyId: string): Promise<PromotionPolicy>;
  /** Replaces the policy (NOT_FOUND for an unknown family; VERSION_MISMATCH on a stale revision), audited in the same transaction. */
  put(p: { familyId: string; protectedAliases: Record<string, AliasRule>; expectedRevision: number | undefined; actor: string; reason: string | null }): Promise<{ changed: boolean; policy: PromotionPolicy }>;
  /** One approval per actor, audited in the same transaction. */
  approve(p: { familyId: string; alias: string; versionId: string; actor: string; reason: string | null }): Promise<{ changed: boolean; record: ApprovalsRecord }>;
}
