import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@google-cloud/functions-framework';
import type { StorageObjectData } from '@google/events/cloud/storage/v1/StorageObjectData';
import { MIRROR_LEASE_MS } from '../../../shared/domain/mirror-retry-policy';
import { createEventFactory } from '../../../shared/domain/registry-events';
import type { Clock, TrainingRunReader } from '../../../shared/ports';
import type { RegistrationStore } from '../../../shared/register-ports';
import type { EventPublisher } from '../../../shared/registry-ports';
import { FirestoreAliasStore } from '../adapters/firestore/alias-store';
import { lazyFirestore } from '../adapters/firestore/client';
import { FirestoreOutbox } from '../adapters/firestore/outbox';
import { FirestoreRegistrationStore } from '../adapters/firestore/registration-store';
import { FirestoreTrainingRunRepository } from '../adapters/firestore/run-repository';
import { GcsObjectStore, lazyStorage } from '../adapters/gcs/object-store';
import { PubSubEventPublisher, lazyPubSub } from '../adapters/pubsub/publisher';
import { VertexAliasMirror } from '../adapters/vertex/alias-mirror';
import { VertexModelMirror, lazyModelService, type MirrorTuning } from '../adapters/vertex/model-mirror';
import { AliasService } from '../app/aliases';
import { oneMoveAtATime } from '../app/mirror-version';
import { DEFAULT_DRAIN_SETTINGS, OutboxDrainer, type DrainSettings } from '../app/outbox-drainer';
import { PushRegistration, type RegisterSettings } from '../app/register-push';
import { createLogger, type Logger } from '../log';
import { buildVersionSigning } from './version-signing';
import { parseRegisterConfig, type RegisterConfig } from '../register-config';

export interface RegisterOverrides {
  clock?: Clock;
  ids?: () => string;
  log?: Logger;
  /** Lets tests observe (not replace) the Firestore ports. */
  wrapRegistrations?: (store: RegistrationStore) => RegistrationStore;
  wrapRuns?: (runs: TrainingRunReader) => TrainingRunReader;
  settings?: Partial<RegisterSettings>;
  mirrorTuning?: MirrorTuning;
  /** Lets tests wrap (or, in suites not about Pub/Sub, replace) the events publisher. */
  wrapPublisher?: (publisher: EventPublisher) => EventPublisher;
  drainSettings?: DrainSettings;
}

export type RegisterHandler = (event: CloudEvent<StorageObjectData>) => Promise<void>;

const systemClock: Clock = { now: () => new Date() };

const DEFAULT_SETTINGS = {
  maxJsonBytes: 1024 * 1024,
  hashConcurrency: 8,
  // Above the 9-minute limit of event-driven functions: a live holder is never overtaken.
  claimLeaseMs: MIRROR_LEASE_MS,
  mirrorAttempts: 3,
  mirrorRetryDelayMs: 1000,
};

/** Composition root of the register function: config → adapters → use case. No client is built here. */
export function buildRegister(config: RegisterConfig, overrides: RegisterOverrides = {}): RegisterHandler {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomUUID;
  const log = overrides.log ?? createLogger(config.logLevel);
  const firestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const registrations = new FirestoreRegistrationStore(firestore);
  const runs = new FirestoreTrainingRunRepository(firestore);
  // One Vertex AI client uploads versions and moves their aliases.
  const modelService = lazyModelService(config.vertex);
  const events = createEventFactory({ source: config.events.source, ids, now: () => clock.now() });
  const publisher = new PubSubEventPublisher(
    lazyPubSub({ projectId: config.projectId, apiEndpoint: config.events.pubsubApiEndpoint }),
    { topic: config.events.topic, publishTimeoutMs: config.events.publishTimeoutMs },
  );
  const drainer = new OutboxDrainer(
    new FirestoreOutbox(firestore), overrides.wrapPublisher?.(publisher) ?? publisher, clock, log, overrides.drainSettings ?? DEFAULT_DRAIN_SETTINGS,
  );
  const useCase = new PushRegistration({
    objects: new GcsObjectStore(lazyStorage({ projectId: config.projectId, apiEndpoint: config.storageApiEndpoint })),
    registrations: overrides.wrapRegistrations?.(registrations) ?? registrations,
    runs: overrides.wrapRuns?.(runs) ?? runs,
    mirror: new VertexModelMirror(modelService, config.vertex, overrides.mirrorTuning),
    clock,
    ids,
    events,
    flusher: drainer,
    // A burst of pushes into one family moves `latest` a few times, not once per version.
    signing: buildVersionSigning({
      signing: config.signing, registryBucket: config.registryBucket, projectId: config.projectId,
      storageApiEndpoint: config.storageApiEndpoint, firestore, log, clock,
    })?.signing ?? null,
    aliases: oneMoveAtATime(new AliasService({ store: new FirestoreAliasStore(firestore, ids), mirror: new VertexAliasMirror(modelService), events, flusher: drainer, clock, log })),
    log,
    settings: {
      ...DEFAULT_SETTINGS,
      registryBucket: config.registryBucket,
      servingContainerImage: config.servingContainerImage,
      maxPushFiles: config.maxPushFiles,
      ...overrides.settings,
    },
  });

  return async (event) => {
    const data = event.data;
    const fields = { eventId: event.id, subject: event.subject };
    if (!data?.bucket || !data.name || data.generation === undefined) {
      log.warn('register: event without bucket, name or generation dropped', fields);
      return;
    }
    if (data.bucket !== config.pushesBucket) {
      log.warn('register: event from another bucket dropped (check the trigger)', { ...fields, bucket: data.bucket });
      return;
    }
    // Eventarc redelivers failures for up to a day. Past this age an event gets one last attempt:
    // it may still be the only event that finds its push complete (delivered late, not retried),
    // so it is handled, and what it cannot register is recorded as EVENT_EXPIRED, not retried.
    const ageSeconds = event.time ? (clock.now().getTime() - Date.parse(event.time)) / 1000 : 0;
    const late = ageSeconds > config.maxEventAgeSeconds;
    if (late) log.warn('register: event older than MAX_EVENT_AGE_SECONDS: last attempt, never retried', { ...fields, object: data.name, ageSeconds: Math.round(ageSeconds) });
    const lastAttempt = late ? { lastAttempt: `event ${event.id} is ${Math.round(ageSeconds)} s old (MAX_EVENT_AGE_SECONDS=${config.maxEventAgeSeconds})` } : {};
    const timeCreated = data.timeCreated === undefined ? null : new Date(data.timeCreated).toISOString();
    const result = await useCase.handle({ bucket: data.bucket, name: data.name, generation: String(data.generation), timeCreated, eventId: event.id }, lastAttempt);
    // Most events of a push only find it incomplete or already handled: that is debug detail.
    const routine = result.outcome === 'ignored' || result.outcome === 'waiting' || result.outcome === 'in_progress' || result.outcome === 'duplicate';
    (routine ? log.debug : log.info)(`register: ${result.outcome}`, { ...fields, object: data.name, result });
  };
}

let handler: RegisterHandler | undefined;

/** The deployed `register` function (Eventarc: google.cloud.storage.object.v1.finalized on the pushes bucket). */
export async function register(event: CloudEvent<StorageObjectData>): Promise<void> {
  handler ??= buildRegister(parseRegisterConfig(process.env));
  return handler(event);
}

// Deployed as the target: validate configuration now, so a bad value stops the instance at start.
if (process.env.FUNCTION_TARGET === 'register') handler = buildRegister(parseRegisterConfig(process.env));
