import { ConflictError, DomainError, NotFoundError } from '../../../shared/errors';
import type { TrainingRunReader } from '../../../shared/ports';
import type { MirrorClaim, RegistrationStore } from '../../../shared/register-ports';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { advanceLatest, mirrorVersion, type LatestAlias, type MirroringDeps } from './mirror-version';

export interface MirrorRetryDeps extends Omit<MirroringDeps, 'registrations'> {
  runs: TrainingRunReader;
  registrations: Pick<RegistrationStore, 'findVersionOfRun' | 'claimMirror' | 'recordMirror' | 'mirrorsDue'>;
  /** A `pending` mirror younger than this is assumed to be in progress elsewhere. */
  pendingLeaseMs: number;
  /** `latest` reaches Vertex AI once its version is mirrored. */
  aliases: LatestAlias;
}

/**
 * POST /api/training-runs/{id}/register (seed 000, bug #4): mirrors again the version registered
 * from a training run when its Vertex AI mirror failed, or has been pending for longer than the
 * lease. The version itself is never re-created: only its `vertex` field changes. Once mirrored,
 * the family's `latest` alias is advanced to it (and so mirrored to Vertex AI) if it is the newest.
 *
 * Errors (codes): NOT_FOUND (no such run), CONFLICT (no version registered from the run yet, or
 * a mirror in progress), ALREADY_EXISTS (already mirrored), UPSTREAM_UNAVAILABLE / UPSTREAM_FAILED
 * (the mirror failed again; the version keeps `vertex.state = 'failed'`).
 */
export class MirrorRetry {
  constructor(private readonly deps: MirrorRetryDeps) {}

  async retry(trainingRunId: string): Promise<ModelVersion> {
    const { runs, registrations } = this.deps;
    const run = await runs.get(trainingRunId);
    if (!run) throw new NotFoundError('Training run', trainingRunId);
    const versionId = run.versionId ?? (await registrations.findVersionOfRun(trainingRunId));
    if (!versionId) {
      throw new ConflictError(`Training run '${trainingRunId}' has no registered version yet: its push is not complete or was refused`, { trainingRunId });
    }
    return this.retryVersion(versionId);
  }

  /** POST /api/models/{id}/mirror: the same for any version, pushed or promoted. */
  async retryVersion(versionId: string): Promise<ModelVersion> {
    const outcome = await this.mirrorAgain(versionId);
    switch (outcome.outcome) {
      case 'not_found':
        throw new NotFoundError('Version', versionId);
      case 'mirrored':
        throw new ConflictError(`Version '${versionId}' is already registered in Vertex AI`, { versionId, modelResourceName: outcome.version.vertex.modelResourceName }, 'ALREADY_EXISTS');
      case 'in_progress':
        throw new ConflictError(`Version '${versionId}' is being registered in Vertex AI right now`, { versionId });
      case 'retried':
        if (outcome.version.vertex.state === 'failed') {
          throw new DomainError('UPSTREAM_FAILED', `Vertex AI registration of '${versionId}' failed again: ${outcome.version.vertex.error}`, { versionId, attempts: outcome.version.vertex.attempts });
        }
        return outcome.version;
    }
  }

  /**
   * The minute job's half (drainOutbox): mirrors again, one after another, the versions whose
   * `vertex.nextRetryAt` has come (failed with a transient error, or pending past the lease).
   */
  async retryDue(limit: number): Promise<MirrorSweepReport> {
    const due = await this.deps.registrations.mirrorsDue(this.deps.clock.now(), limit);
    const report: MirrorSweepReport = { due: due.length, mirrored: 0, failed: 0, skipped: 0 };
    for (const versionId of due) {
      const outcome = await this.mirrorAgain(versionId);
      if (outcome.outcome !== 'retried') report.skipped++;
      else if (outcome.version.vertex.state === 'mirrored') report.mirrored++;
      else report.failed++;
    }
    return report;
  }

  private async mirrorAgain(versionId: string): Promise<Exclude<MirrorClaim, { outcome: 'claimed' }> | { outcome: 'retried'; version: ModelVersion }> {
    const claim = await this.deps.registrations.claimMirror(versionId, this.deps.clock.now(), this.deps.pendingLeaseMs);
    if (claim.outcome !== 'claimed') return claim;
    // An earlier attempt may have uploaded it before failing to record it: look it up first.
    const vertex = await mirrorVersion(claim.version, this.deps, { reuseExisting: true });
    // Also when the registering instance died before moving `latest`: this moves it.
    if (vertex.state === 'mirrored') await advanceLatest(claim.version, this.deps);
    return { outcome: 'retried', version: { ...claim.version, vertex } };
  }
}

export interface MirrorSweepReport {
  /** Versions found due. */
  due: number;
  mirrored: number;
  /** Failed again (retried later if the error was transient). */
  failed: number;
  /** Mirrored or taken by another attempt meanwhile. */
  skipped: number;
}
