import { ConflictError, NotFoundError } from '../../../../shared/errors';
import { LATEST_ALIAS } from '../../../../shared/domain/version-ref';
import type { RegistryEvent } from '../../../../shared/domain/registry-events';
import type { AliasChange, ArchiveResult, DeleteRequest, DeploymentLease, LifecycleStore } from '../../../../shared/registry-ports';
import { AliasRecord } from '../../../../shared/schemas/deployment';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import { aliasDoc, applyAliasChange, type VersionAt } from './alias-store';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { transact } from './transact';
import { countVersionChange } from './summary-counters';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { addToOutbox } from './outbox';
import { AUDITED_TX, openAuditChain } from './audit-log';
import { DEPLOYMENT_LEASE_FIELD, REGISTRY_COLLECTIONS } from './registry-collections';
import { timestampsToIso } from './timestamps';
import { versionFromDoc, versionToDoc } from './version-codec';
import { buildQuery } from './version-repository';
import { familyHistoryShape } from './version-queries';

/** Archive and delete of versions. */
export class FirestoreLifecycleStore implements LifecycleStore {
  constructor(private readonly firestore: FirestoreProvider, private readonly ids: () => string) {}

  archive(versionId: string, at: Date, actor: string, event: (version: ModelVersion) => RegistryEvent): Promise<ArchiveResult> {
    return this.run((handle) => transact<ArchiveResult>(handle.db, async (tx) => {
      const { db } = handle;
      const ref = db.collection(COLLECTIONS.versions).doc(versionId);
      const snap = await tx.get(ref);
      if (!snap.exists) throw new NotFoundError('Model version', versionId);
      const version = versionFromDoc(snap.data()!);
      if (version.archived) return { changed: false, version, eventId: null };
      // A serving version hidden from the list and the DEPLOYED count would mislead.
      if (version.deployed || liveLease(snap.get(DEPLOYMENT_LEASE_FIELD), at)) {
        throw new ConflictError(`Model version '${versionId}' is deployed: undeploy it before archiving it`, { versionId, reason: 'deployed' });
      }
      const audit = await openAuditChain(tx, db, () => at);
      const archived = { ...version, archived: true };
      const announced = event(archived);
      audit.append({
        kind: 'version.archived', familyId: version.familyId, subject: version.id, actor, reason: null,
        before: { archived: false }, after: { archived: true },
      });
      tx.update(ref, versionToDoc(archived));
      countVersionChange(tx, handle, version, archived);
      addToOutbox(tx, db, announced, at);
      return { changed: true, version: archived, eventId: announced.id };
    }, AUDITED_TX));
  }

  delete(request: DeleteRequest): ReturnType<LifecycleStore['delete']> {
    return this.run((handle) => transact(handle.db, async (tx) => {
      const { db } = handle;
      const ref = db.collection(COLLECTIONS.versions).doc(request.versionId);
      const snap = await tx.get(ref);
      if (!snap.exists) throw new NotFoundError('Model version', request.versionId);
      const version = versionFromDoc(snap.data()!);
      if (version.deployed || liveLease(snap.get(DEPLOYMENT_LEASE_FIELD), request.at)) {
        throw new ConflictError(`Model version '${version.id}' is deployed: undeploy it before deleting it`, { versionId: version.id, reason: 'deployed' });
      }
      const held = version.aliases.filter((a) => a !== LATEST_ALIAS);
      if (held.length) {
        throw new ConflictError(`Model version '${version.id}' holds the alias${held.length > 1 ? 'es' : ''} ${held.join(', ')}: move ${held.length > 1 ? 'them' : 'it'} first`, {
          versionId: version.id, reason: 'aliased', aliases: held,
        });
      }

      // Reads for `latest`, before any write: it moves to the newest version that remains.
      const latestSnap = await tx.get(aliasDoc(db, version.familyId, LATEST_ALIAS));
      const latest = latestSnap.exists ? AliasRecord.parse(timestampsToIso(latestSnap.data())) : null;
      let successor: VersionAt | null = null;
      if (latest?.versionId === version.id) {
        const newest = await tx.get(buildQuery(handle, familyHistoryShape(version.familyId)).limit(2));
        const doc = newest.docs.find((d) => d.id !== version.id);
        successor = doc ? { ref: doc.ref, version: versionFromDoc(doc.data()) } : null;
      }
      const audit = await openAuditChain(tx, db, () => request.at);

      const at = request.at;
      tx.delete(ref);
      countVersionChange(tx, handle, version, null);
      tx.set(db.collection(REGISTRY_COLLECTIONS.deletedVersions).doc(version.id), {
        versionId: version.id, familyId: version.familyId, version: version.version, name: version.name,
        manifestDigest: version.artifacts.manifestDigest, blobDigests: request.blobDigests,
        vertex: version.vertex, deletedAt: at, deletedBy: request.actor,
      });
      const deleted = request.deletedEvent(version);
      addToOutbox(tx, db, deleted, at);
      let moved: AliasChange | null = null;
      if (latest?.versionId === version.id) {
        moved = applyAliasChange(tx, db, {
          familyId: version.familyId, alias: LATEST_ALIAS, current: latest, previous: null, target: successor,
          actor: request.actor, at, expectedVersion: null, historyId: this.ids(), event: request.latestMoved,
        }).change;
      }
      audit.append({
        kind: 'version.deleted', familyId: version.familyId, subject: version.id, actor: request.actor, reason: null,
        before: { version: version.version, manifestDigest: version.artifacts.manifestDigest, signature: version.signature?.bundleDigest ?? null, blessed: version.blessed },
        after: { deleted: true, latest: moved?.to?.version ?? null },
      });
      return { version, latest: moved, eventIds: [deleted.id, ...(moved ? [moved.eventId] : [])] };
    }, AUDITED_TX));
  }

  private async run<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}

function liveLease(lease: DeploymentLease | undefined, at: Date): boolean {
  return !!lease && Date.parse(lease.until) > at.getTime();
}
