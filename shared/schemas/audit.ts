import { z } from 'zod';
import { queryInteger, Slug } from './common';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './api';

/** What the audit trail records (README "Audit trail"). */
export const AUDIT_KINDS = [
  'alias.moved', 'alias.removed', 'alias.refused', 'alias.approved',
  'version.deployed', 'version.undeployed', 'version.archived', 'version.deleted',
  'policy.changed', 'rollout.step', 'role.changed',
] as const;
export const AuditKind = z.enum(AUDIT_KINDS);
export type AuditKind = z.infer<typeof AuditKind>;

/** Any JSON value (before/after states are snapshots of what changed). */
const Json: z.ZodType<unknown> = z.unknown();

/**
 * One link of the hash chain: `hash` is `sha256:<hex>` over the canonical JSON of every other
 * field, and `prevHash` is the hash of record `seq - 1` (a fixed genesis value for seq 1).
 */
export const AuditRecord = z.object({
  seq: z.number().int().positive(),
  kind: AuditKind,
  familyId: z.string().nullable(),
  /** What changed: `recs-prod@prod`, `recs-prod-v3`, `recs-prod` (its policy). */
  subject: z.string(),
  actor: z.string(),
  at: z.string(),
  reason: z.string().nullable(),
  before: Json,
  after: Json,
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** What a use case hands to the chain; seq, time and hashes are the chain's. */
export type AuditEntry = Pick<AuditRecord, 'kind' | 'familyId' | 'subject' | 'actor' | 'reason'> & { before: unknown; after: unknown };

/** The chain head signed by KMS (the minute job): a record removed or edited before `seq` no longer matches it. */
export const AuditCheckpoint = z.object({
  seq: z.number().int().positive(),
  hash: z.string(),
  at: z.string(),
  keyVersion: z.string(),
  keyHint: z.string(),
  /** Base64 DER ECDSA P-256 signature over SHA-256 of `checkpointPayload(seq, hash, at)`. */
  signature: z.string(),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

const single = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), schema);

export const AuditQuery = z.strictObject({
  family: single(Slug).optional(),
  actor: single(z.string().trim().min(1).max(320)).optional(),
  kind: single(AuditKind).optional(),
  /** `asc` pages the whole chain from seq 1 (what the verifier reads). */
  order: single(z.enum(['desc', 'asc'])).default('desc'),
  page_size: queryInteger(1, MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: single(z.string().min(1).max(1000)).optional(),
});
export type AuditQuery = z.output<typeof AuditQuery>;

export const AuditPage = z.object({
  items: z.array(AuditRecord),
  nextCursor: z.string().nullable(),
  pageSize: z.number().int(),
});
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditCheckpointsResponse = z.object({
  /** The chain head as stored (null: nothing audited yet). */
  head: z.object({ seq: z.number().int().nonnegative(), hash: z.string() }).nullable(),
  checkpoints: z.array(AuditCheckpoint),
});
export type AuditCheckpointsResponse = z.infer<typeof AuditCheckpointsResponse>;
