import { versionId as versionIdOf } from '../../../shared/domain/display-name';
import { ValidationError } from '../../../shared/errors';
import { aliasNameProblem } from '../../../shared/domain/version-ref';
import type { PolicyStore } from '../../../shared/policy-ports';
import type { ApprovalResult, PolicyBody, PromotionPolicy } from '../../../shared/schemas/policy';

/**
 * Per-family promotion policies (README "Policy-gated promotion"). Deployers edit them (no new
 * role: the people who may deploy decide what a protected alias needs; every edit is audited
 * with before/after) and approve moves; the alias move evaluates them in its own transaction.
 */
export class PromotionPolicies {
  constructor(private readonly store: PolicyStore) {}

  get(familyId: string): Promise<PromotionPolicy> {
    return this.store.get(familyId);
  }

  put(familyId: string, body: PolicyBody, actor: string): Promise<{ changed: boolean; policy: PromotionPolicy }> {
    return this.store.put({ familyId, protectedAliases: body.protectedAliases, expectedRevision: body.expectedRevision, actor, reason: body.reason ?? null });
  }

  async approve(familyId: string, alias: string, version: number, actor: string, reason: string | null): Promise<ApprovalResult> {
    const problem = aliasNameProblem(alias);
    if (problem) throw new ValidationError([{ path: 'params.alias', message: problem }]);
    const { changed, record } = await this.store.approve({ familyId, alias, versionId: versionIdOf(familyId, version), actor, reason });
    return { changed, ...record };
  }
}
