import { z } from 'zod';
import { aliasNameProblem } from '../domain/version-ref';
import { IsoDateTime } from './common';
import { AliasVersionInput } from './deployment';

/**
 * A family's promotion policy (README "Policy-gated promotion"): for each protected alias, what a
 * version must show before the alias may name it. Edited by deployers; every change is audited.
 */
export const MetricRule = z.strictObject({
  metric: z.string().min(1).max(63).regex(/^[a-z][a-z0-9_]*$/, 'must be a metric name as the registry stores it (lowercase, digits, _)'),
  /** Which way is better: `higher` (recall) or `lower` (rmse, loss). */
  better: z.enum(['higher', 'lower']).default('higher'),
  /** The value the version must reach (≥ for higher, ≤ for lower). */
  threshold: z.number().finite().optional(),
  /** How much the version must beat the alias's current holder by (0: at least match it). */
  margin: z.number().finite().nonnegative().optional(),
}).refine((r) => r.threshold !== undefined || r.margin !== undefined, { message: 'needs a threshold, a margin or both' });
export type MetricRule = z.output<typeof MetricRule>;

export const AliasRule = z.strictObject({
  /** The version's model-signing bundle must verify against the registry's keys. */
  requireSignature: z.boolean().default(true),
  requireBlessed: z.boolean().default(true),
  metrics: z.array(MetricRule).max(20).default([]),
  /** Approvals of this move by distinct deployers (POST …/aliases/{alias}/approvals). */
  approvals: z.number().int().min(0).max(10).default(0),
});
export type AliasRule = z.output<typeof AliasRule>;

const ProtectedAliases = z.record(z.string(), AliasRule).superRefine((aliases, ctx) => {
  const names = Object.keys(aliases);
  if (names.length > 20) ctx.addIssue({ code: 'custom', message: 'protects at most 20 aliases', path: [] });
  for (const name of names) {
    const problem = aliasNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: `alias ${problem}`, path: [name] });
  }
});

export const PolicyBody = z.strictObject({
  protectedAliases: ProtectedAliases,
  /** The revision the caller read: a concurrent edit gets VERSION_MISMATCH instead of being overwritten. */
  expectedRevision: z.number().int().nonnegative().optional(),
  reason: z.string().trim().max(500).optional(),
});
export type PolicyBody = z.output<typeof PolicyBody>;

export const PromotionPolicy = z.object({
  familyId: z.string(),
  protectedAliases: z.record(z.string(), AliasRule),
  /** 0: never declared (nothing protected). */
  revision: z.number().int().nonnegative(),
  updatedAt: IsoDateTime.nullable(),
  updatedBy: z.string().nullable(),
});
export type PromotionPolicy = z.output<typeof PromotionPolicy>;

export const ApprovalBody = z.strictObject({
  version: AliasVersionInput,
  reason: z.string().trim().max(500).optional(),
});

export const Approval = z.object({ actor: z.string(), at: IsoDateTime, reason: z.string().nullable() });
export type Approval = z.output<typeof Approval>;

export const ApprovalsRecord = z.object({
  familyId: z.string(),
  alias: z.string(),
  version: z.number().int().positive(),
  versionId: z.string(),
  approvals: z.array(Approval),
});
export type ApprovalsRecord = z.output<typeof ApprovalsRecord>;

export const ApprovalResult = ApprovalsRecord.extend({ changed: z.boolean() });
export type ApprovalResult = z.output<typeof ApprovalResult>;

export const PolicyFailure = z.object({
  /** `protected`, `signature`, `blessed`, `metrics.<name>.threshold`, `metrics.<name>.margin`, `approvals`. */
  rule: z.string(),
  message: z.string(),
});
export type PolicyFailure = z.output<typeof PolicyFailure>;
