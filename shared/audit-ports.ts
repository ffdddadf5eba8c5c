import type { ChainHead } from './domain/audit-chain';
import type { AuditCheckpoint, AuditRecord } from './schemas/audit';

/** Reads of the audit trail (Firestore: `auditLog`, `auditChain/head`, `auditCheckpoints`). */
export interface AuditLogStore {
  /** Up to `limit` records after seq `after` (exclusive), in seq order. */
  list(filter: { familyId?: string; actor?: string; kind?: string }, direction: 'asc' | 'desc', after: number | null, limit: number): Promise<AuditRecord[]>;
  head(): Promise<ChainHead | null>;
  checkpoints(): Promise<AuditCheckpoint[]>;
  latestCheckpoint(): Promise<AuditCheckpoint | null>;
  /** Write-once per seq. */
  saveCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
}
