import type { ModelVersion } from '../schemas/model-version';
import type { AliasRule, Approval, PolicyFailure } from '../schemas/policy';

/** What was found when the candidate's signature bundle was verified (before the transaction). */
export type SignatureFact =
  | { verified: true; bundleDigest: string; keyHint: string }
  | { verified: false; problem: string };

export interface PromotionFacts {
  candidate: ModelVersion;
  /** The version the alias names now (null: none). */
  holder: ModelVersion | null;
  signature: SignatureFact | null;
  approvals: readonly Approval[];
}

export interface PolicyEvaluation {
  passed: string[];
  failures: PolicyFailure[];
}

const fmt = (n: number) => String(Number(n.toPrecision(6)));

/**
 * Evaluates one protected alias's rule for a move to `candidate`; every rule is checked (a refusal
 * names them all, not only the first). Rule ids are stable: `signature`, `blessed`,
 * `metrics.<name>.threshold`, `metrics.<name>.margin`, `approvals`.
 */
export function evaluatePromotion(rule: AliasRule, facts: PromotionFacts): PolicyEvaluation {
  const { candidate, holder } = facts;
  const passed: string[] = [];
  const failures: PolicyFailure[] = [];
  const check = (id: string, ok: boolean, message: string) => (ok ? passed.push(id) : failures.push({ rule: id, message }));

  if (rule.requireSignature) {
    const fact = facts.signature;
    const recorded = candidate.signature?.state === 'signed' ? candidate.signature.bundleDigest : null;
    // Null: signing is not configured, or the alias became protected while this move was under way.
    if (!fact) check('signature', false, `${candidate.id}'s signature was not checked (signing is not configured, or the policy changed during the move: try again)`);
    else if (!fact.verified) check('signature', false, `${candidate.id}'s signature does not verify: ${fact.problem}`);
    // The bundle verified before the transaction must still be the one the version records.
    else check('signature', fact.bundleDigest === recorded, `${candidate.id}'s signature changed while the move was checked`);
  }
  if (rule.requireBlessed) {
    check('blessed', candidate.blessed === true, `${candidate.id} is ${candidate.blessed === null ? 'still pending evaluation' : 'not blessed'}`);
  }
  for (const metric of rule.metrics) {
    const value = candidate.metrics[metric.metric];
    const higher = metric.better === 'higher';
    const prefix = `metrics.${metric.metric}`;
    if (metric.threshold !== undefined) {
      const { threshold } = metric;
      if (value === undefined) check(`${prefix}.threshold`, false, `${candidate.id} has no ${metric.metric}`);
      else check(`${prefix}.threshold`, higher ? value >= threshold : value <= threshold, `${metric.metric} ${fmt(value)} is ${higher ? 'below' : 'above'} the threshold ${fmt(threshold)}`);
    }
    if (metric.margin !== undefined) {
      const current = holder?.metrics[metric.metric];
      // Nothing to beat: the alias names no version, or one without this metric.
      if (!holder || current === undefined) {
        passed.push(`${prefix}.margin`);
        continue;
      }
      const needed = higher ? current + metric.margin : current - metric.margin;
      if (value === undefined) check(`${prefix}.margin`, false, `${candidate.id} has no ${metric.metric} to compare with ${holder.id}'s`);
      else check(`${prefix}.margin`, higher ? value >= needed : value <= needed,
        `${metric.metric} ${fmt(value)} does not beat ${holder.id}'s ${fmt(current)} by ${fmt(metric.margin)} (needs ${higher ? '≥' : '≤'} ${fmt(needed)})`);
    }
  }
  if (rule.approvals > 0) {
    const approvers = new Set(facts.approvals.map((a) => a.actor));
    check('approvals', approvers.size >= rule.approvals, `${approvers.size} of ${rule.approvals} approval${rule.approvals > 1 ? 's' : ''} by distinct deployers`);
  }
  return { passed, failures };
}
