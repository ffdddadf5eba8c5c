import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { NotFoundError } from '../../../../shared/errors';
import type { TrafficSplit } from '../../../../shared/domain/traffic-split';
import type {
  DeploymentLease, DeploymentOutcome, DeploymentStore, LeaseClaim,
} from '../../../../shared/registry-ports';
import { DeploymentHistoryEntry } from '../../../../shared/schemas/deployment';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { transact } from './transact';
import { countVersionChange } from './summary-counters';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { addToOutbox } from './outbox';
import { AUDITED_TX, auditDeployment, openAuditChain } from './audit-log';
import { DEPLOYMENT_LEASE_FIELD, SUBCOLLECTIONS } from './registry-collections';
import { deploymentHistoryShape, deployedOnShape } from './registry-queries';
import { timestampsToIso } from './timestamps';
import { versionFromDoc, versionToDoc } from './version-codec';

/**
 * Deployment state of versions. Every version write goes through versionToDoc (derived query
 * fields such as `status` follow `deployed`); the lease lives beside the schema's fields, so it is
 * never returned and a completed write removes it.
 */
export class FirestoreDeploymentStore implements DeploymentStore {
  constructor(private readonly firestore: FirestoreProvider) {}

  claim(versionId: string, lease: DeploymentLease, now: Date, decide: (version: ModelVersion) => 'proceed' | 'noop'): Promise<LeaseClaim> {
    return this.run(({ db }) => transact<LeaseClaim>(db, async (tx) => {
      const ref = versionRef(db, versionId);
      const snap = await tx.get(ref);
      if (!snap.exists) throw new NotFoundError('Model version', versionId);
      const version = versionFromDoc(snap.data()!);
      const held = snap.get(DEPLOYMENT_LEASE_FIELD) as DeploymentLease | undefined;
      if (held && Date.parse(held.until) > now.getTime()) return { outcome: 'busy', version, lease: held };
      if (decide(version) === 'noop') return { outcome: 'noop', version };
      tx.update(ref, { [DEPLOYMENT_LEASE_FIELD]: lease });
      return { outcome: 'claimed', version };
    }));
  }

  complete(versionId: string, leaseId: string, outcome: DeploymentOutcome): Promise<ModelVersion> {
    return this.run((handle) => transact(handle.db, async (tx) => {
      const { db, fs } = handle;
      const ref = versionRef(db, versionId);
      const snap = await tx.get(ref);
      if (!snap.exists) throw new NotFoundError('Model version', versionId);
      const peers = outcome.endpoint ? await tx.get(db.collection(COLLECTIONS.versions).where('deployment.endpoint', '==', outcome.endpoint.name)) : null;
      const audit = await openAuditChain(tx, db, () => new Date(outcome.history.at));
      // Vertex AI has acted: what it did is recorded even if this lease lapsed meanwhile (then the
      // lease another caller took since is left to it).
      const before = versionFromDoc(snap.data()!);
      const next = outcome.update(before);
      const ours = (snap.get(DEPLOYMENT_LEASE_FIELD) as DeploymentLease | undefined)?.id === leaseId;
      tx.update(ref, { ...versionToDoc(next), ...(ours && { [DEPLOYMENT_LEASE_FIELD]: fs.FieldValue.delete() }) });
      countVersionChange(tx, handle, before, next);
      for (const peer of peers?.docs ?? []) {
        if (peer.id === versionId) continue;
        const updated = withTraffic(versionFromDoc(peer.data()), outcome.endpoint!.trafficSplit);
        if (updated) tx.update(peer.ref, versionToDoc(updated));
      }
      tx.create(historyRef(ref, outcome.history.id), historyToDoc(outcome.history));
      addToOutbox(tx, db, outcome.event, new Date(outcome.history.at));
      audit.append(auditDeployment(outcome.history, before, next));
      return next;
    }, AUDITED_TX));
  }

  release(versionId: string, leaseId: string, history: DeploymentHistoryEntry): Promise<void> {
    return this.run(({ db, fs }) => transact(db, async (tx) => {
      const ref = versionRef(db, versionId);
      const snap = await tx.get(ref);
      if (snap.exists && (snap.get(DEPLOYMENT_LEASE_FIELD) as DeploymentLease | undefined)?.id === leaseId) {
        tx.update(ref, { [DEPLOYMENT_LEASE_FIELD]: fs.FieldValue.delete() });
      }
      tx.create(historyRef(ref, history.id), historyToDoc(history));
    }));
  }

  history(versionId: string, limit: number): Promise<DeploymentHistoryEntry[]> {
    return this.run(async ({ db }) => {
      const order = deploymentHistoryShape().order!;
      const snapshot = await versionRef(db, versionId).collection(SUBCOLLECTIONS.deployments).orderBy(order.field, order.direction).limit(limit).get();
      return snapshot.docs.map((d) => DeploymentHistoryEntry.parse(timestampsToIso(d.data())));
    });
  }

  deployedOn(endpoint: string): Promise<ModelVersion[]> {
    return this.run(async ({ db }) => {
      const [{ field, value }] = deployedOnShape(endpoint).equalities as [{ field: string; value: unknown }];
      const snapshot = await db.collection(COLLECTIONS.versions).where(field, '==', value).get();
      return snapshot.docs.map((d) => versionFromDoc(d.data())).filter((v) => v.deployed);
    });
  }

  private async run<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}

function versionRef(db: Firestore, versionId: string): DocumentReference {
  return db.collection(COLLECTIONS.versions).doc(versionId);
}

function historyRef(version: DocumentReference, id: string): DocumentReference {
  return version.collection(SUBCOLLECTIONS.deployments).doc(id);
}

function historyToDoc(entry: DeploymentHistoryEntry): Record<string, unknown> {
  return { ...DeploymentHistoryEntry.parse(entry), at: new Date(entry.at) };
}

/** A peer's recorded share after the endpoint's split changed, or null when it did not change. */
function withTraffic(version: ModelVersion, split: TrafficSplit): ModelVersion | null {
  const deployment = version.deployment;
  if (!version.deployed || !deployment?.deployedModelId) return null;
  const share = split[deployment.deployedModelId] ?? 0;
  return share === deployment.trafficPercent ? null : { ...version, deployment: { ...deployment, trafficPercent: share } };
}
