import { MIRROR_LEASE_MS } from '../../../shared/domain/mirror-retry-policy';
import type { Clock } from '../../../shared/ports';
import type { FirestoreProvider } from '../adapters/firestore/client';
import { FirestoreRegistrationStore } from '../adapters/firestore/registration-store';
import { FirestoreTrainingRunRepository } from '../adapters/firestore/run-repository';
import { VertexModelMirror, lazyModelService, type MirrorTuning } from '../adapters/vertex/model-mirror';
import type { LatestAlias } from '../app/mirror-version';
import { MirrorRetry } from '../app/retry-mirror';
import type { Logger } from '../log';
import type { RegisterConfig } from '../register-config';

/** Uploads tried per retry when Vertex AI answers with a transient error. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1000;

/**
 * Mirrors again versions whose Vertex AI mirror failed: behind POST /api/training-runs/{id}/register
 * (the API) and the minute job (drainOutbox).
 */
export function buildMirrorRetry(deps: {
  firestore: FirestoreProvider;
  vertex: RegisterConfig['vertex'];
  /** The alias service: a mirrored version that is the newest becomes `latest` in Vertex AI too. */
  aliases: LatestAlias;
  log: Logger;
  clock?: Clock;
  mirrorTuning?: MirrorTuning;
  mirrorRetryDelayMs?: number;
}): MirrorRetry {
  return new MirrorRetry({
    runs: new FirestoreTrainingRunRepository(deps.firestore),
    registrations: new FirestoreRegistrationStore(deps.firestore),
    mirror: new VertexModelMirror(lazyModelService(deps.vertex), deps.vertex, deps.mirrorTuning),
    aliases: deps.aliases,
    clock: deps.clock ?? { now: () => new Date() },
    log: deps.log,
    attempts: ATTEMPTS,
    retryDelayMs: deps.mirrorRetryDelayMs ?? RETRY_DELAY_MS,
    pendingLeaseMs: MIRROR_LEASE_MS,
  });
}
