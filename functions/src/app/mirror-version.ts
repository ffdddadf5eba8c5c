import { setTimeout as sleep } from 'node:timers/promises';
import { sanitizeLabels } from '../../../shared/domain/labels';
import type { Clock } from '../../../shared/ports';
import { isTransient, type MirrorRequest, type ModelMirror, type RegistrationStore } from '../../../shared/register-ports';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import type { Logger } from '../log';

export interface MirroringDeps {
  mirror: ModelMirror;
  registrations: Pick<RegistrationStore, 'recordMirror'>;
  clock: Clock;
  log: Logger;
  /** Uploads tried per call when Vertex answers with a transient error (first included). */
  attempts: number;
  retryDelayMs: number;
}

type VertexState = ModelVersion['vertex'];

/** What Vertex AI is asked to register for a version (labels sanitized, seed 000 bug #2). */
export function mirrorRequestOf(version: ModelVersion): MirrorRequest {
  return {
    familyId: version.familyId,
    version: version.version,
    displayName: version.vertex.displayName,
    artifactUri: version.artifacts.modelUri,
    servingContainerImage: version.artifacts.servingContainerImage,
    description: version.description,
    labels: sanitizeLabels({
      family: version.familyId,
      model_type: version.modelType,
      registry_version: version.version,
      training_run: version.trainingRunId,
      blessed: version.blessed === null ? 'unknown' : version.blessed,
      managed_by: 'model-registry',
    }),
  };
}

/**
 * Mirrors a registered version to Vertex AI and records the outcome in the version's `vertex`
 * field only. A failure never undoes the registration: it is recorded as `failed` (with the error
 * and the attempt count) for POST /api/training-runs/{id}/register to retry (seed 000, bug #4).
 * Transient errors are retried here a few times; after the first try an upload that may have gone
 * through is looked up before uploading again, so that a retry never makes a second Vertex version.
 */
export async function mirrorVersion(version: ModelVersion, deps: MirroringDeps, options: { reuseExisting: boolean }): Promise<VertexState> {
  const request = mirrorRequestOf(version);
  let tried = 0;
  let lastError: unknown;
  while (tried < deps.attempts) {
    tried++;
    try {
      const result = await deps.mirror.mirror(request, { reuseExisting: options.reuseExisting || tried > 1 });
      const mirrored: VertexState = {
        ...version.vertex, state: 'mirrored', modelResourceName: result.modelResourceName, versionId: result.versionId,
        error: null, attempts: version.vertex.attempts + tried, updatedAt: deps.clock.now().toISOString(),
      };
      await deps.registrations.recordMirror(version.id, mirrored);
      deps.log.info('version mirrored to Vertex AI', { versionId: version.id, model: result.modelResourceName, vertexVersion: result.versionId });
      return mirrored;
    } catch (error) {
      lastError = error;
      if (!isTransient(error)) break;
      if (tried < deps.attempts) await sleep(deps.retryDelayMs * 2 ** (tried - 1));
    }
  }
  const failed: VertexState = {
    ...version.vertex, state: 'failed', error: (lastError as Error)?.message ?? String(lastError),
    attempts: version.vertex.attempts + tried, updatedAt: deps.clock.now().toISOString(),
  };
  await deps.registrations.recordMirror(version.id, failed);
  deps.log.warn('Vertex AI mirror failed; the version is registered and can be retried', { versionId: version.id, error: failed.error, attempts: failed.attempts });
  return failed;
}
