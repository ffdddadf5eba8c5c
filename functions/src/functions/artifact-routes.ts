import { randomUUID } from 'node:crypto';
import { createEventFactory } from '../../../shared/domain/registry-events';
import type { Clock } from '../../../shared/ports';
import type { EventFlusher } from '../../../shared/registry-ports';
import type { ArtifactConfig } from '../artifact-config';
import type { FirestoreProvider } from '../adapters/firestore/client';
import { FirestoreFamilyStore } from '../adapters/firestore/family-store';
import { FirestorePushReader } from '../adapters/firestore/push-store';
import { FirestoreRegistrationStore } from '../adapters/firestore/registration-store';
import { FirestoreTrainingRunRepository } from '../adapters/firestore/run-repository';
import { FirestoreVersionLabelStore } from '../adapters/firestore/version-label-store';
import { FirestoreVersionRepository } from '../adapters/firestore/version-repository';
import { GcsBlobReader } from '../adapters/gcs/blob-reader';
import { GcsObjectStore, lazyStorage } from '../adapters/gcs/object-store';
import { VertexModelMirror, lazyModelService, type MirrorTuning } from '../adapters/vertex/model-mirror';
import { FamilyService } from '../app/families';
import { PushHistory } from '../app/push-history';
import type { LatestAlias } from '../app/mirror-version';
import { VersionPromotion, type PromotionSettings } from '../app/promote-version';
import { VersionArchives } from '../app/version-archive';
import type { VersionSigning } from '../app/version-signing';
import type { Route } from '../http/route';
import { downloadRoutes } from '../http/routes/download-routes';
import { familyRoutes } from '../http/routes/family-routes';
import { pushRoutes } from '../http/routes/push-routes';
import { createLogger, type Logger } from '../log';

/** What promotion shares with the registry's writes (buildRegistryWrites: `aliases`, `drainer`). */
export interface RegistryLinks {
  aliases: LatestAlias;
  flusher: EventFlusher;
  /** Signs promoted versions and provides the bundles the ZIPs carry (null: not configured). */
  signing?: VersionSigning | null;
}

export interface ArtifactOverrides {
  clock?: Clock;
  /** Event ids. */
  ids?: () => string;
  log?: Logger;
  settings?: Partial<PromotionSettings>;
  mirrorTuning?: MirrorTuning;
}

export interface ArtifactRoutes {
  /** Families, promotion, ZIP download, manifest and push outcome routes, for the API's route list. */
  routes: Route[];
  families: FamilyService;
  promotion: VersionPromotion;
  archives: VersionArchives;
  /** Closes the Vertex AI client if one was built (tests and the local stack). */
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

const DEFAULT_SETTINGS = {
  maxJsonBytes: 1024 * 1024,
  hashConcurrency: 8,
  // Above the API's request timeout: a live promotion is never overtaken.
  claimLeaseMs: 10 * 60_000,
  mirrorAttempts: 3,
  mirrorRetryDelayMs: 1000,
};

/** Composition of families, promotion and downloads. No client is built here: each is made on first use. */
export function buildArtifactRoutes(config: ArtifactConfig, firestore: FirestoreProvider, registry: RegistryLinks, overrides: ArtifactOverrides = {}): ArtifactRoutes {
  const clock = overrides.clock ?? systemClock;
  const events = createEventFactory({ source: config.eventsSource, ids: overrides.ids ?? randomUUID, now: () => clock.now() });
  const log = overrides.log ?? createLogger(config.logLevel);
  const storage = lazyStorage({ projectId: config.projectId, apiEndpoint: config.storageApiEndpoint });
  const objects = new GcsObjectStore(storage);
  const versions = new FirestoreVersionRepository(firestore);
  const familyStore = new FirestoreFamilyStore(firestore);

  let modelServiceBuilt = false;
  const modelService = lazyModelService(config.vertex);
  const trackedModelService = () => {
    modelServiceBuilt = true;
    return modelService();
  };

  const families = new FamilyService({ store: familyStore, versions, clock });
  const promotion = new VersionPromotion({
    families: familyStore,
    runs: new FirestoreTrainingRunRepository(firestore),
    versions,
    objects,
    registrations: new FirestoreRegistrationStore(firestore),
    labels: new FirestoreVersionLabelStore(firestore),
    mirror: new VertexModelMirror(trackedModelService, config.vertex, overrides.mirrorTuning),
    events,
    flusher: registry.flusher,
    aliases: registry.aliases,
    signing: registry.signing ?? null,
    clock,
    log,
    settings: {
      ...DEFAULT_SETTINGS,
      pushesBucket: config.pushesBucket,
      registryBucket: config.registryBucket,
      servingContainerImage: config.servingContainerImage,
      maxPushFiles: config.maxPushFiles,
      ...overrides.settings,
    },
  });
  const archives = new VersionArchives({ versions, objects, blobs: new GcsBlobReader(storage), registryBucket: config.registryBucket, signatures: registry.signing ?? null });

  return {
    routes: [...familyRoutes(families, promotion), ...downloadRoutes(archives), ...pushRoutes(new PushHistory(new FirestorePushReader(firestore)))],
    families, promotion, archives,
    async close() {
      if (modelServiceBuilt) await (await modelService()).close();
    },
  };
}
