import type { DocumentReference, Firestore, Query, Transaction } from '@google-cloud/firestore';
import { nextAuditRecord, type ChainHead } from '../../../../shared/domain/audit-chain';
import { AuditCheckpoint, AuditRecord, type AuditEntry } from '../../../../shared/schemas/audit';
import type { DeploymentHistoryEntry } from '../../../../shared/schemas/deployment';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import type { Rollout } from '../../../../shared/schemas/rollout';
import type { RolloutStepWrite } from '../../../../shared/registry-ports';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import type { QueryShape } from './version-queries';

/** Record ids sort as their seq does. */
export const auditDocId = (seq: number) => String(seq).padStart(12, '0');

function headRef(db: Firestore): DocumentReference {
  return db.collection(COLLECTIONS.auditChain).doc('head');
}

/**
 * Options for a transaction that opens the chain. Every audited write contends on the one head
 * document, so a handful of simultaneous ones can each be aborted several times before they
 * commit: the client's default of 5 attempts turns a short burst into a 503.
 */
export const AUDITED_TX = { maxAttempts: 20 } as const;

/** Appends to the chain in the caller's transaction. */
export interface AuditAppender {
  append(entry: AuditEntry): AuditRecord;
}

/**
 * Reads the chain head in the caller's transaction (call it with the transaction's other reads,
 * before any write); each `append` then writes the next record and the new head in the same
 * transaction, so a change and its record commit together or not at all. Every audited write
 * reads the one head document: they are serialised, which suits these low-rate human actions.
 */
export async function openAuditChain(tx: Transaction, db: Firestore, now: () => Date): Promise<AuditAppender> {
  const snap = await tx.get(headRef(db));
  let head: ChainHead | null = snap.exists ? { seq: Number(snap.get('seq')), hash: String(snap.get('hash')) } : null;
  return {
    append(entry) {
      const record = nextAuditRecord(head, entry, now());
      tx.create(db.collection(COLLECTIONS.auditLog).doc(auditDocId(record.seq)), record);
      tx.set(headRef(db), { seq: record.seq, hash: record.hash, at: record.at });
      head = { seq: record.seq, hash: record.hash };
      return record;
    },
  };
}

/** A completed deploy or undeploy as an audit entry (the deployment store's transaction writes it). */
export function auditDeployment(history: DeploymentHistoryEntry, before: ModelVersion, after: ModelVersion): AuditEntry {
  const state = (v: ModelVersion) => ({ deployed: v.deployed, deployment: v.deployment });
  return {
    kind: history.action === 'undeployed' ? 'version.undeployed' : 'version.deployed',
    familyId: before.familyId, subject: before.id, actor: history.actor, reason: history.reason,
    before: state(before), after: { ...state(after), force: history.force, blessed: history.blessed },
  };
}

/** A rollout's traffic change as an audit entry (the rollout store's transaction writes it). */
export function auditRolloutStep(familyId: string, before: Rollout | null, write: RolloutStepWrite): AuditEntry {
  const state = (r: Rollout) => ({ status: r.status, stepIndex: r.stepIndex, trafficPercent: r.steps.at(-1)?.trafficPercent ?? null });
  const step = write.rollout.steps.at(-1);
  return {
    kind: 'rollout.step', familyId, subject: write.rollout.challenger.versionId,
    actor: write.history.actor, reason: write.history.reason ?? null,
    before: before && state(before),
    after: { ...state(write.rollout), action: step?.action ?? null, trafficSplit: write.trafficSplit, champion: write.rollout.champion.versionId },
  };
}

export interface AuditFilter {
  familyId?: string;
  actor?: string;
  kind?: string;
}

/** The audit list's query: equalities on the filters given, ordered by seq. */
export function auditListShape(filter: AuditFilter, direction: 'asc' | 'desc'): QueryShape {
  const equalities: QueryShape['equalities'] = [];
  if (filter.familyId !== undefined) equalities.push({ field: 'familyId', value: filter.familyId });
  if (filter.actor !== undefined) equalities.push({ field: 'actor', value: filter.actor });
  if (filter.kind !== undefined) equalities.push({ field: 'kind', value: filter.kind });
  return { collection: COLLECTIONS.auditLog, equalities, arrayContains: null, order: { field: 'seq', direction } };
}

/** Every filter combination the list can run, in both orders (for allQueryShapes). */
export function auditQueryShapes(): QueryShape[] {
  const shapes: QueryShape[] = [];
  for (const familyId of [undefined, 'f']) {
    for (const actor of [undefined, 'a']) {
      for (const kind of [undefined, 'k']) {
        for (const direction of ['asc', 'desc'] as const) {
          shapes.push(auditListShape({ ...(familyId && { familyId }), ...(actor && { actor }), ...(kind && { kind }) }, direction));
        }
      }
    }
  }
  return shapes;
}

/** Reads of the audit trail (`auditLog`, `auditChain/head`, `auditCheckpoints`). */
export class FirestoreAuditLog {
  constructor(private readonly firestore: FirestoreProvider) {}

  /** Up to `limit` records after seq `after` in the shape's order. */
  list(filter: AuditFilter, direction: 'asc' | 'desc', after: number | null, limit: number): Promise<AuditRecord[]> {
    return this.run(async ({ db }) => {
      const shape = auditListShape(filter, direction);
      let query: Query = db.collection(shape.collection);
      for (const { field, value } of shape.equalities) query = query.where(field, '==', value);
      query = query.orderBy(shape.order!.field, shape.order!.direction);
      if (after !== null) query = query.startAfter(after);
      const snapshot = await query.limit(limit).get();
      return snapshot.docs.map((d) => AuditRecord.parse(d.data()));
    });
  }

  head(): Promise<ChainHead | null> {
    return this.run(async ({ db }) => {
      const snap = await headRef(db).get();
      return snap.exists ? { seq: Number(snap.get('seq')), hash: String(snap.get('hash')) } : null;
    });
  }

  checkpoints(): Promise<AuditCheckpoint[]> {
    return this.run(async ({ db }) => {
      const snapshot = await db.collection(COLLECTIONS.auditCheckpoints).orderBy('seq', 'asc').get();
      return snapshot.docs.map((d) => AuditCheckpoint.parse(d.data()));
    });
  }

  latestCheckpoint(): Promise<AuditCheckpoint | null> {
    return this.run(async ({ db }) => {
      const snapshot = await db.collection(COLLECTIONS.auditCheckpoints).orderBy('seq', 'desc').limit(1).get();
      const doc = snapshot.docs[0];
      return doc ? AuditCheckpoint.parse(doc.data()) : null;
    });
  }

  /** Write-once: a checkpoint of a seq is never replaced. */
  async saveCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    await this.run(async ({ db }) => {
      await db.collection(COLLECTIONS.auditCheckpoints).doc(auditDocId(checkpoint.seq)).create(AuditCheckpoint.parse(checkpoint)).catch((error: { code?: number }) => {
        if (error?.code !== 6) throw error; // ALREADY_EXISTS: another run checkpointed the same head
      });
    });
  }

  private async run<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}
