import { createHash, createPublicKey, verify } from 'node:crypto';
import type { AuditCheckpoint, AuditEntry, AuditRecord } from '../schemas/audit';
import { canonicalJson } from './model-signing';
import { keyHint } from './signature-bundle';

/** `prevHash` of the first record. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

export interface ChainHead {
  seq: number;
  hash: string;
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest();

/** The record's hash: SHA-256 over the canonical JSON (sorted keys) of every field but `hash`. */
export function auditHash(record: Omit<AuditRecord, 'hash'>): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return `sha256:${sha256(canonicalJson(rest)).toString('hex')}`;
}

/**
 * The next link after `head` (null: the chain is empty). Before/after are taken as JSON (what
 * Firestore stores and gives back), so that the hash is over exactly what is kept.
 */
export function nextAuditRecord(head: ChainHead | null, entry: AuditEntry, at: Date): AuditRecord {
  const json = (value: unknown) => (value === undefined ? null : JSON.parse(JSON.stringify(value)) as unknown);
  const body: Omit<AuditRecord, 'hash'> = {
    seq: (head?.seq ?? 0) + 1,
    kind: entry.kind,
    familyId: entry.familyId,
    subject: entry.subject,
    actor: entry.actor,
    at: at.toISOString(),
    reason: entry.reason ?? null,
    before: json(entry.before),
    after: json(entry.after),
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  return { ...body, hash: auditHash(body) };
}

/** The bytes a checkpoint's signature is over (hashed with SHA-256, as KMS signs digests). */
export function checkpointPayload(seq: number, hash: string, at: string): Buffer {
  return Buffer.from(canonicalJson({ type: 'model-registry/audit-checkpoint/v1', seq, hash, at }), 'utf8');
}

export function checkpointDigest(seq: number, hash: string, at: string): Buffer {
  return sha256(checkpointPayload(seq, hash, at));
}

export interface AuditVerification {
  ok: boolean;
  problems: string[];
  records: number;
  /** The last record's seq and hash, as recomputed. */
  head: ChainHead | null;
  checkpointsVerified: number;
  /** The newest checkpoint whose signature verified. */
  lastCheckpoint: { seq: number; at: string } | null;
}

/**
 * Checks a whole chain offline: every record's hash against its content (an edit), every
 * `prevHash` against the record before it and the sequence for gaps (a removal), and each
 * checkpoint's KMS signature and that the record at its seq still has the hash it signed (an
 * edit or removal that rewrote the links after it; a tail cut off after a checkpoint).
 * `storedHead` (what Firestore says the head is) catches a tail removed after the last checkpoint
 * unless the head was rewritten too; only the next checkpoint proves that part.
 */
export function verifyAuditChain(input: {
  records: readonly AuditRecord[];
  checkpoints: readonly AuditCheckpoint[];
  publicKeyPems: readonly string[];
  storedHead?: ChainHead | null;
}): AuditVerification {
  const problems: string[] = [];
  const records = [...input.records].sort((a, b) => a.seq - b.seq);
  const bySeq = new Map<number, AuditRecord>();
  let previous: AuditRecord | null = null;
  for (const record of records) {
    if (bySeq.has(record.seq)) problems.push(`record ${record.seq} appears more than once`);
    bySeq.set(record.seq, record);
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (record.seq !== expectedSeq) {
      const missing = record.seq - expectedSeq;
      problems.push(missing === 1 ? `record ${expectedSeq} is missing (removed)` : `records ${expectedSeq}–${record.seq - 1} are missing (removed)`);
    }
    if (auditHash(record) !== record.hash) problems.push(`record ${record.seq} (${record.kind} ${record.subject}) was edited: its content does not match its hash`);
    const expectedPrev = previous && previous.seq === record.seq - 1 ? previous.hash : record.seq === 1 ? GENESIS_HASH : null;
    if (expectedPrev !== null && record.prevHash !== expectedPrev) problems.push(`the chain breaks at record ${record.seq}: its prevHash is not the hash of record ${record.seq - 1}`);
    previous = record;
  }
  const last = records.at(-1) ?? null;

  const keys = new Map(input.publicKeyPems.map((pem) => [keyHint(pem), createPublicKey(pem)]));
  let verified = 0;
  let lastCheckpoint: AuditVerification['lastCheckpoint'] = null;
  for (const checkpoint of [...input.checkpoints].sort((a, b) => a.seq - b.seq)) {
    const key = keys.get(checkpoint.keyHint);
    if (!key) {
      problems.push(`checkpoint ${checkpoint.seq} was signed by key ${checkpoint.keyHint.slice(0, 16)}…, which is not among the ${keys.size} trusted key(s)`);
      continue;
    }
    if (!verify('sha256', checkpointPayload(checkpoint.seq, checkpoint.hash, checkpoint.at), key, Buffer.from(checkpoint.signature, 'base64'))) {
      problems.push(`checkpoint ${checkpoint.seq}: the signature does not verify`);
      continue;
    }
    verified++;
    lastCheckpoint = { seq: checkpoint.seq, at: checkpoint.at };
    const record = bySeq.get(checkpoint.seq);
    if (!record) {
      problems.push(last && checkpoint.seq > last.seq
        ? `${checkpoint.seq === last.seq + 1 ? `record ${checkpoint.seq} was` : `records ${last.seq + 1}–${checkpoint.seq} were`} removed: checkpoint ${checkpoint.seq} signed a longer chain`
        : `record ${checkpoint.seq}, signed by a checkpoint, is missing (removed)`);
    } else if (record.hash !== checkpoint.hash) {
      problems.push(`record ${checkpoint.seq} is not the one checkpoint ${checkpoint.seq} signed: the chain up to it was edited or rewritten`);
    }
  }
  if (input.storedHead && (!last || input.storedHead.seq !== last.seq || input.storedHead.hash !== last.hash)) {
    problems.push(`the chain head says record ${input.storedHead.seq}, but the last record is ${last ? last.seq : 'none'}: records at the end were removed or edited`);
  }
  return {
    ok: problems.length === 0, problems, records: records.length,
    head: last && { seq: last.seq, hash: last.hash }, checkpointsVerified: verified, lastCheckpoint,
  };
}
