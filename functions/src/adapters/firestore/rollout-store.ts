import { ConflictError, NotFoundError } from '../../../../shared/errors';
import type { RolloutStepWrite, RolloutStore } from '../../../../shared/registry-ports';
import { DeploymentHistoryEntry } from '../../../../shared/schemas/deployment';
import { Rollout } from '../../../../shared/schemas/rollout';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { transact } from './transact';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { AUDITED_TX, auditRolloutStep, openAuditChain } from './audit-log';
import { addToOutbox } from './outbox';
import { SUBCOLLECTIONS } from './registry-collections';
import { versionFromDoc, versionToDoc } from './version-codec';

/** `rollouts/{challengerVersionId}`; each step also lands in the challenger's deployment history and the outbox. */
export class FirestoreRolloutStore implements RolloutStore {
  constructor(private readonly firestore: FirestoreProvider) {}

  get(id: string): Promise<Rollout | null> {
    return this.run(async ({ db }) => {
      const snap = await db.collection(COLLECTIONS.rollouts).doc(id).get();
      return snap.exists ? Rollout.parse(snap.data()) : null;
    });
  }

  running(): Promise<Rollout[]> {
    return this.run(async ({ db }) => {
      const snapshot = await db.collection(COLLECTIONS.rollouts).where('status', '==', 'running').get();
      return snapshot.docs.map((d) => Rollout.parse(d.data()));
    });
  }

  recordStep(write: RolloutStepWrite): Promise<void> {
    return this.run((handle) => transact(handle.db, async (tx) => {
      const { db } = handle;
      const ref = db.collection(COLLECTIONS.rollouts).doc(write.rollout.id);
      const snap = await tx.get(ref);
      const status = snap.exists ? (snap.get('status') as string) : null;
      if (write.expectedStatus === null ? status === 'running' : status !== write.expectedStatus) {
        throw new ConflictError(`The rollout of '${write.rollout.id}' is ${status ?? 'not started'}: it changed meanwhile`, { status }, 'TRAFFIC_CHANGED');
      }
      const peers = await tx.get(db.collection(COLLECTIONS.versions).where('deployment.endpoint', '==', write.rollout.endpoint));
      const audit = await openAuditChain(tx, db, () => new Date(write.history.at));
      const before = snap.exists ? Rollout.parse(snap.data()) : null;
      for (const peer of peers.docs) {
        const version = versionFromDoc(peer.data());
        const id = version.deployment?.deployedModelId;
        if (!version.deployed || !id || !(id in write.trafficSplit)) continue;
        if (write.trafficSplit[id] === version.deployment!.trafficPercent) continue;
        tx.update(peer.ref, versionToDoc({ ...version, deployment: { ...version.deployment!, trafficPercent: write.trafficSplit[id]! } }));
      }
      const challenger = db.collection(COLLECTIONS.versions).doc(write.rollout.challenger.versionId);
      if (!peers.docs.some((d) => d.id === challenger.id)) throw new NotFoundError('Deployed model version', challenger.id);
      tx.set(ref, Rollout.parse(write.rollout));
      tx.create(challenger.collection(SUBCOLLECTIONS.deployments).doc(write.history.id), { ...DeploymentHistoryEntry.parse(write.history), at: new Date(write.history.at) });
      addToOutbox(tx, db, write.event, new Date(write.history.at));
      const familyId = peers.docs.find((d) => d.id === challenger.id)!.get('familyId') as string;
      audit.append(auditRolloutStep(familyId, before, write));
    }, AUDITED_TX));
  }

  setOnlineMetric(id: string, value: number): Promise<void> {
    return this.run(({ db }) => transact(db, async (tx) => {
      const ref = db.collection(COLLECTIONS.rollouts).doc(id);
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('status') !== 'running') throw new ConflictError(`No rollout of '${id}' is running`, { versionId: id });
      tx.update(ref, { onlineMetric: value });
    }));
  }

  private async run<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}
