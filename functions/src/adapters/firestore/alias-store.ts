import type { DocumentReference, DocumentSnapshot, Firestore, Transaction } from '@google-cloud/firestore';
import { ConflictError, NotFoundError } from '../../../../shared/errors';
import type { RegistryEvent } from '../../../../shared/domain/registry-events';
import { evaluatePromotion } from '../../../../shared/domain/promotion-policy';
import type { AliasChange, AliasMove, AliasStore, AliasWrite, MirroredVersion } from '../../../../shared/registry-ports';
import { AliasHistoryEntry, AliasRecord } from '../../../../shared/schemas/deployment';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { transact } from './transact';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { AUDITED_TX, openAuditChain } from './audit-log';
import { readAliasRule, readApprovals } from './policy-store';
import { addToOutbox } from './outbox';
import { SUBCOLLECTIONS } from './registry-collections';
import { aliasHistoryShape } from './registry-queries';
import { timestampsToIso } from './timestamps';
import { versionFromDoc, versionToDoc } from './version-codec';

/**
 * Aliases of a family: `families/{id}/aliases/{alias}` names one version; each version lists the
 * aliases it holds in `aliases` (written through versionToDoc), and every change is kept in
 * `families/{id}/aliasHistory`.
 */
export class FirestoreAliasStore implements AliasStore {
  constructor(private readonly firestore: FirestoreProvider, private readonly ids: () => string) {}

  move(move: AliasMove): Promise<AliasWrite> {
    return this.run(({ db }) => transact<AliasWrite>(db, async (tx) => {
      const aliasRef = aliasDoc(db, move.familyId, move.alias);
      const targetRef = move.versionId ? db.collection(COLLECTIONS.versions).doc(move.versionId) : null;
      const [aliasSnap, targetSnap] = await tx.getAll(aliasRef, ...(targetRef ? [targetRef] : []));
      const current = aliasSnap!.exists ? AliasRecord.parse(timestampsToIso(aliasSnap!.data())) : null;

      let target: ModelVersion | null = null;
      if (targetRef) {
        if (!targetSnap!.exists) throw new NotFoundError('Model version', move.versionId!);
        target = versionFromDoc(targetSnap!.data()!);
        if (target.familyId !== move.familyId) throw new NotFoundError('Model version', move.versionId!);
        if (target.archived) throw new ConflictError(`Model version '${target.id}' is archived: an alias cannot name it`, { versionId: target.id });
      }
      if ((current?.versionId ?? null) === (target?.id ?? null)) return { changed: false, record: current, named: mirrored(target) };
      if (move.onlyForward && current && target && current.version >= target.version) return { changed: false, record: current, named: null };
      if (move.expectedVersion !== undefined && (current?.version ?? null) !== move.expectedVersion) {
        throw new ConflictError(
          `Alias '${move.alias}' of '${move.familyId}' names ${current ? `version ${current.version}` : 'no version'}, not ${move.expectedVersion === null ? 'none' : `version ${move.expectedVersion}`}`,
          { alias: move.alias, currentVersion: current?.version ?? null, expectedVersion: move.expectedVersion },
          'VERSION_MISMATCH',
        );
      }
      const previous = current ? await readVersion(tx, db, current.versionId) : null;
      const rule = move.audited ? await readAliasRule(tx, db, move.familyId, move.alias) : null;
      const approvals = rule && target && rule.approvals > 0 ? await readApprovals(tx, db, move.familyId, move.alias, target.version) : [];
      const audit = move.audited ? await openAuditChain(tx, db, () => move.at) : null;
      const subject = `${move.familyId}@${move.alias}`;
      const before = current && { version: current.version, versionId: current.versionId };
      let checked: ReturnType<typeof evaluatePromotion> | null = null;
      if (rule) {
        checked = target
          ? evaluatePromotion(rule, { candidate: target, holder: previous?.version ?? null, signature: move.signature, approvals })
          : { passed: [], failures: [{ rule: 'protected', message: `${move.alias} is protected by the family's policy: it can be moved, not removed` }] };
        if (checked.failures.length) {
          audit!.append({
            kind: 'alias.refused', familyId: move.familyId, subject, actor: move.actor, reason: move.reason,
            before, after: { version: target?.version ?? null, versionId: target?.id ?? null, failedRules: checked.failures, passedRules: checked.passed },
          });
          return { changed: false, record: current, named: null, refused: checked.failures };
        }
      }
      const { change, record } = applyAliasChange(tx, db, {
        familyId: move.familyId, alias: move.alias, current, previous, target: target && { ref: targetRef!, version: target },
        actor: move.actor, at: move.at, expectedVersion: move.expectedVersion ?? null, historyId: this.ids(), event: move.event,
      });
      audit?.append({
        kind: target ? 'alias.moved' : 'alias.removed', familyId: move.familyId, subject, actor: move.actor, reason: move.reason,
        before,
        after: target && {
          version: target.version, versionId: target.id,
          ...(checked && { policy: { passedRules: checked.passed, approvals: approvals.map((a) => a.actor), signature: target.signature?.bundleDigest ?? null } }),
        },
      });
      return { changed: true, change, record };
    }, AUDITED_TX));
  }

  resolve(familyId: string, alias: string): Promise<string | null> {
    return this.run(async ({ db }) => {
      const snap = await aliasDoc(db, familyId, alias).get();
      return snap.exists ? String(snap.get('versionId')) : null;
    });
  }

  list(familyId: string): Promise<AliasRecord[]> {
    return this.run(async ({ db }) => {
      const snapshot = await db.collection(COLLECTIONS.families).doc(familyId).collection(SUBCOLLECTIONS.aliases).get();
      return snapshot.docs.map((d) => AliasRecord.parse(timestampsToIso(d.data())));
    });
  }

  history(familyId: string, limit: number): Promise<AliasHistoryEntry[]> {
    return this.run(async ({ db }) => {
      const order = aliasHistoryShape().order!;
      const snapshot = await db.collection(COLLECTIONS.families).doc(familyId).collection(SUBCOLLECTIONS.aliasHistory)
        .orderBy(order.field, order.direction).limit(limit).get();
      return snapshot.docs.map((d) => AliasHistoryEntry.parse(timestampsToIso(d.data())));
    });
  }

  recordMirror(familyId: string, alias: string, versionId: string, vertex: AliasRecord['vertex']): Promise<void> {
    return this.run(({ db }) => transact(db, async (tx) => {
      const ref = aliasDoc(db, familyId, alias);
      const snap = await tx.get(ref);
      if (snap.exists && snap.get('versionId') === versionId) tx.update(ref, { vertex });
    }));
  }

  private async run<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}

export interface VersionAt {
  ref: DocumentReference;
  version: ModelVersion;
}

/**
 * Writes one alias change in the caller's transaction (after all its reads): the alias document,
 * `aliases` of the version losing it (unless it is being deleted: pass previous null) and of the
 * one gaining it, a history entry and the `alias.moved` event.
 */
export function applyAliasChange(tx: Transaction, db: Firestore, p: {
  familyId: string;
  alias: string;
  current: AliasRecord | null;
  previous: VersionAt | null;
  target: VersionAt | null;
  actor: string;
  at: Date;
  expectedVersion: number | null;
  historyId: string;
  event(change: Omit<AliasChange, 'eventId'>): RegistryEvent;
}): { change: AliasChange; record: AliasRecord | null } {
  const at = p.at.toISOString();
  const target = p.target?.version ?? null;
  const change: Omit<AliasChange, 'eventId'> = {
    alias: p.alias,
    familyId: p.familyId,
    from: p.current && { version: p.current.version, versionId: p.current.versionId, vertex: mirrored(p.previous?.version ?? null) },
    to: target && { version: target.version, versionId: target.id, vertex: mirrored(target) },
  };
  const event = p.event(change);
  const aliasRef = aliasDoc(db, p.familyId, p.alias);
  const record = target && AliasRecord.parse({
    alias: p.alias, familyId: p.familyId, version: target.version, versionId: target.id, movedAt: at, movedBy: p.actor,
    vertex: { state: mirrored(target) ? 'pending' : 'skipped', updatedAt: at },
  });
  if (record) tx.set(aliasRef, { ...record, movedAt: p.at });
  else tx.delete(aliasRef);
  if (p.previous) tx.update(p.previous.ref, versionToDoc(withoutAlias(p.previous.version, p.alias)));
  if (p.target) tx.update(p.target.ref, versionToDoc(withAlias(p.target.version, p.alias)));
  const entry = AliasHistoryEntry.parse({
    id: p.historyId, familyId: p.familyId, alias: p.alias, fromVersion: change.from?.version ?? null, toVersion: change.to?.version ?? null,
    actor: p.actor, at, expectedVersion: p.expectedVersion,
  });
  tx.create(db.collection(COLLECTIONS.families).doc(p.familyId).collection(SUBCOLLECTIONS.aliasHistory).doc(entry.id), { ...entry, at: p.at });
  addToOutbox(tx, db, event, p.at);
  return { change: { ...change, eventId: event.id }, record };
}

export function aliasDoc(db: Firestore, familyId: string, alias: string): DocumentReference {
  return db.collection(COLLECTIONS.families).doc(familyId).collection(SUBCOLLECTIONS.aliases).doc(alias);
}

/** A version read in the transaction (null once it was deleted). */
async function readVersion(tx: Transaction, db: Firestore, versionId: string): Promise<VersionAt | null> {
  const ref = db.collection(COLLECTIONS.versions).doc(versionId);
  const snap: DocumentSnapshot = await tx.get(ref);
  return snap.exists ? { ref, version: versionFromDoc(snap.data()!) } : null;
}

function mirrored(v: ModelVersion | null): MirroredVersion | null {
  if (!v || v.vertex.state !== 'mirrored' || !v.vertex.modelResourceName || !v.vertex.versionId) return null;
  return { modelResourceName: v.vertex.modelResourceName, versionId: v.vertex.versionId };
}

function withAlias(version: ModelVersion, alias: string): ModelVersion {
  return { ...version, aliases: [...new Set([...version.aliases, alias])].sort() };
}

function withoutAlias(version: ModelVersion, alias: string): ModelVersion {
  return { ...version, aliases: version.aliases.filter((a) => a !== alias) };
}
