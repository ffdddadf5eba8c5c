import { createHash } from 'node:crypto';
import type { RunOutcome } from '../../../../shared/domain/training-runs';
import type { TrainingRun } from '../../../../shared/schemas/training-run';
import type { FiringRequest, FiringResult, TrainingRunStore } from '../../../../shared/training-ports';
import { buildRangeQuery } from './calendar-queries';
import { rollupWrites } from './calendar-rollup-store';
import type { FirestoreProvider } from './client';
import { transact } from './transact';
import { guarded } from './firestore-errors';
import { COLLECTIONS } from './collections';
import { runFromDoc } from './run-repository';
import { latestRunNumberShape, runningRunsShape, scheduledBeforeShape } from './training-queries';
import { buildQuery } from './version-repository';

/**
 * `scheduleFirings/{sha256(scheduleId, scheduleTime)}`: one per firing, so that Cloud Scheduler's
 * retries and duplicate deliveries create one run. `counters/trainingRuns`: the last run number.
 */
const FIRINGS_COLLECTION = COLLECTIONS.scheduleFirings;
const COUNTERS_COLLECTION = COLLECTIONS.counters;
const RUN_COUNTER = 'trainingRuns';

export function firingKey(scheduleId: string, scheduleTime: Date): string {
  return createHash('sha256').update(`${scheduleId}\n${scheduleTime.toISOString()}`).digest('hex');
}

const ACTIVE: readonly string[] = ['scheduled', 'running'];

export class FirestoreTrainingRunStore implements TrainingRunStore {
  constructor(private readonly firestore: FirestoreProvider) {}

  createForFiring(request: FiringRequest): Promise<FiringResult> {
    // A transaction that lost to a concurrent delivery too often is transient (503): Cloud Scheduler retries.
    return guarded(() => this.createOnce(request));
  }

  private async createOnce(request: FiringRequest): Promise<FiringResult> {
    const handle = await this.firestore();
    const { db } = handle;
    const runs = db.collection(COLLECTIONS.trainingRuns);
    const firingRef = db.collection(FIRINGS_COLLECTION).doc(firingKey(request.scheduleId, request.scheduleTime));
    const counterRef = db.collection(COUNTERS_COLLECTION).doc(RUN_COUNTER);
    const result = await transact<{ created: TrainingRun } | { duplicateOf: string }>(db, async (tx) => {
      const [firing, counter] = await tx.getAll(firingRef, counterRef);
      if (firing!.exists) return { duplicateOf: String(firing!.get('runId')) };
      // The counter starts above runs written before it existed (imports, the demo registry).
      const last = counter!.exists
        ? Number(counter!.get('lastRunNumber'))
        : Number((await tx.get(buildQuery(handle, latestRunNumberShape()).limit(1))).docs[0]?.get('runNumber') ?? 0);
      const run = request.build(last + 1);
      tx.create(runs.doc(run.id), run);
      tx.create(firingRef, { scheduleId: request.scheduleId, scheduleTime: request.scheduleTime.toISOString(), runId: run.id });
      tx.set(counterRef, { lastRunNumber: last + 1 });
      return { created: run };
    });
    if ('created' in result) return { outcome: 'created', run: result.created };
    const snap = await runs.doc(result.duplicateOf).get();
    return { outcome: 'duplicate', run: snap.exists ? runFromDoc(snap.data()!) : null };
  }

  markRunning(runId: string, pipelineJob: string, startedAt: string): Promise<boolean> {
    return this.transition(runId, ['scheduled'], { status: 'running', pipelineJob, startedAt });
  }

  recordOutcome(runId: string, outcome: RunOutcome, completedAt: string): Promise<boolean> {
    return this.transition(runId, ACTIVE, { ...outcome, completedAt });
  }

  async running(limit: number): Promise<TrainingRun[]> {
    const handle = await this.firestore();
    const snapshot = await buildQuery(handle, runningRunsShape()).limit(limit).get();
    return snapshot.docs.map((d) => runFromDoc(d.data()));
  }

  async scheduledBefore(cutoff: Date, limit: number): Promise<TrainingRun[]> {
    const handle = await this.firestore();
    const snapshot = await buildRangeQuery(handle, scheduledBeforeShape(cutoff.toISOString())).limit(limit).get();
    return snapshot.docs.map((d) => runFromDoc(d.data()));
  }

  /**
   * Updates the run only while its status is one of `from`: concurrent syncs and late deliveries
   * cannot move it back. A run that ends adds to the calendar's week rollups in the same transaction.
   */
  private async transition(runId: string, from: readonly string[], fields: Record<string, unknown>): Promise<boolean> {
    const { db, fs } = await this.firestore();
    const ref = db.collection(COLLECTIONS.trainingRuns).doc(runId);
    return transact(db, async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || !from.includes(String(snap.get('status')))) return false;
      tx.update(ref, fields);
      for (const { ref: week, data } of rollupWrites(db, fs, runFromDoc({ ...snap.data(), ...fields }))) tx.set(week, data, { merge: true });
      return true;
    });
  }
}
