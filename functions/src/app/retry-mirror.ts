import { ConflictError, DomainError, NotFoundError } from '../../../shared/errors';
import type { TrainingRunReader } from '../../../shared/ports';
import type { RegistrationStore } from '../../../shared/register-ports';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { advanceLatest, mirrorVersion, type LatestAlias, type MirroringDeps } from './mirror-version';

export interface MirrorRetryDeps extends Omit<MirroringDeps, 'registrations'> {
  runs: TrainingRunReader;
  registrations: Pick<RegistrationStore, 'findVersionOfRun' | 'claimMirror' | 'recordMirror'>;
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
    const { runs, registrations, clock } = this.deps;
    const run = await runs.get(trainingRunId);
    if (!run) throw new NotFoundError('Training run', trainingRunId);
    const versionId = run.versionId ?? (await registrations.findVersionOfRun(trainingRunId));
    if (!versionId) {
      throw new ConflictError(`Training run '${trainingRunId}' has no registered version yet: its push is not complete or was refused`, { trainingRunId });
    }

    const claim = await registrations.claimMirror(versionId, clock.now(), this.deps.pendingLeaseMs);
    switch (claim.outcome) {
      case 'not_found':
        throw new NotFoundError('Version', versionId);
      case 'mirrored':
        throw new ConflictError(`Version '${versionId}' is already registered in Vertex AI`, { versionId, modelResourceName: claim.version.vertex.modelResourceName }, 'ALREADY_EXISTS');
      case 'in_progress':
        throw new ConflictError(`Version '${versionId}' is being registered in Vertex AI right now`, { versionId });
      case 'claimed': {
        // An earlier attempt may have uploaded it before failing to record it: look it up first.
        const vertex = await mirrorVersion(claim.version, this.deps, { reuseExisting: true });
        if (vertex.state === 'failed') {
          throw new DomainError('UPSTREAM_FAILED', `Vertex AI registration of '${versionId}' failed again: ${vertex.error}`, { versionId, attempts: vertex.attempts });
        }
        // Also when the registering instance died before moving `latest`: this moves it.
        await advanceLatest(claim.version, this.deps);
        return { ...claim.version, vertex };
      }
    }
  }
}
