import { setTimeout as sleep } from 'node:timers/promises';
import { sanitizeLabels } from '../../../shared/domain/labels';
import { nextMirrorRetryAt } from '../../../shared/domain/mirror-retry-policy';
import type { Clock } from '../../../shared/ports';
import { isTransient, type MirrorRequest, type ModelMirror, type RegistrationStore } from '../../../shared/register-ports';
import type { EventFlusher } from '../../../shared/registry-ports';
import { versionId as versionIdOf } from '../../../shared/domain/display-name';
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

/** The part of AliasService that registration uses. */
export interface LatestAlias {
  advanceLatest: (familyId: string, versionId: string) => Promise<unknown>;
}

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
 * field only. A failure never undoes the registration: it is recorded as `failed` (with the error,
 * the attempt count and, when a retry may help, when the minute job tries again) for the job or
 * POST /api/training-runs/{id}/register to retry (seed 000, bug #4).
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
        error: null, attempts: version.vertex.attempts + tried, updatedAt: deps.clock.now().toISOString(), nextRetryAt: null,
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
  const now = deps.clock.now();
  const attempts = version.vertex.attempts + tried;
  const failed: VertexState = {
    ...version.vertex, state: 'failed', error: (lastError as Error)?.message ?? String(lastError),
    attempts, updatedAt: now.toISOString(), nextRetryAt: nextMirrorRetryAt(now, attempts, isTransient(lastError)),
  };
  await deps.registrations.recordMirror(version.id, failed);
  deps.log.warn('Vertex AI mirror failed; the version is registered and can be retried', { versionId: version.id, error: failed.error, attempts, nextRetryAt: failed.nextRetryAt });
  return failed;
}

export interface SettlingDeps extends MirroringDeps {
  flusher: EventFlusher;
  aliases: LatestAlias;
}

/**
 * What follows a registration's commit (push or promotion): the Vertex AI mirror, then the
 * `version.registered` event (once the mirror is settled, so that a consumer finds the version in
 * Vertex AI; before `latest` moves, so that `alias.moved` follows the registration it is about),
 * then the `latest` alias.
 */
export async function settleRegistration(version: ModelVersion, registeredEventId: string, deps: SettlingDeps): Promise<VertexState> {
  const vertex = await mirrorVersion(version, deps, { reuseExisting: false });
  await deps.flusher.flush([registeredEventId]);
  await advanceLatest(version, deps);
  return vertex;
}

/**
 * Points the family's `latest` at a version once its mirror is settled: the alias service mirrors
 * it to Vertex AI's version aliases when the version is mirrored, and a later call (after a mirror
 * retry) does it then. The version is registered whatever happens here: a failure is logged, not
 * thrown (a redelivered event would only find the push registered).
 */
export async function advanceLatest(version: ModelVersion, deps: { aliases: LatestAlias; log: Logger }): Promise<void> {
  try {
    await deps.aliases.advanceLatest(version.familyId, version.id);
  } catch (error) {
    deps.log.error('could not move the latest alias to a registered version', { versionId: version.id, familyId: version.familyId, error });
  }
}

/**
 * Moves of a family's `latest` in this instance, one at a time: a burst of registrations would
 * otherwise contend on the alias document, and their Vertex AI mirrors could land out of order.
 * Moves asked for while another waits collapse into one, to the newest version asked for.
 */
export function oneMoveAtATime(aliases: LatestAlias): LatestAlias {
  interface Waiting { versionId: string; number: number; move: Promise<unknown> }
  const lanes = new Map<string, { tail: Promise<unknown>; waiting: Waiting | null }>();
  return {
    advanceLatest(familyId, versionId) {
      const number = versionNumberOf(familyId, versionId);
      // Not one of the family's version ids: nothing to compare it with.
      if (!Number.isSafeInteger(number)) return aliases.advanceLatest(familyId, versionId);
      const lane = lanes.get(familyId) ?? { tail: Promise.resolve(), waiting: null };
      lanes.set(familyId, lane);
      const { waiting } = lane;
      if (waiting) {
        if (number > waiting.number) Object.assign(waiting, { versionId, number });
        return waiting.move;
      }
      const next: Waiting = { versionId, number, move: Promise.resolve() };
      next.move = lane.tail.then(() => {
        lane.waiting = null; // from here on, a request waits for the next move
        return aliases.advanceLatest(familyId, next.versionId);
      });
      lane.waiting = next;
      const tail = next.move.catch(() => undefined);
      lane.tail = tail;
      void tail.then(() => {
        if (lane.tail === tail) lanes.delete(familyId);
      });
      return next.move;
    },
  };
}

/** The number in one of a family's version ids (`recs-prod-v3` → 3); NaN for any other id. */
function versionNumberOf(familyId: string, id: string): number {
  const prefix = versionIdOf(familyId, 0).slice(0, -1); // `<family>-v`
  return id.startsWith(prefix) ? Number(id.slice(prefix.length)) : NaN;
}
