import { createHash } from 'node:crypto';
import { pendingMirror } from '../../../shared/domain/mirror-retry-policy';
import { pendingSignature } from '../../../shared/domain/signature-retry-policy';
import { DomainError } from '../../../shared/errors';
import { versionDisplayName, versionId } from '../../../shared/domain/display-name';
import { checkCompleteness, type Completeness } from '../../../shared/domain/model-format';
import { registrationFailedData, versionRegisteredData, type EventFactory, type RegistryEvent } from '../../../shared/domain/registry-events';
import { classifyPushedObject } from '../../../shared/domain/push-event';
import { FAMILY_METADATA_KEY, MODEL_TYPE_METADATA_KEY, familyFromMetadata } from '../../../shared/domain/push-family';
import { parsePushedObject, trainingRunIdOf, type PushedObject } from '../../../shared/domain/push-layout';
import type { Clock, TrainingRunReader } from '../../../shared/ports';
import type { EventFlusher } from '../../../shared/registry-ports';
import { ObjectGoneError, UpstreamUnavailableError, type ListedObject, type ModelMirror, type ObjectStore, type RegistrationStore } from '../../../shared/register-ports';
import { Slug, type ModelType } from '../../../shared/schemas/common';
import { ModelVersion } from '../../../shared/schemas/model-version';
import type { PushFailureCode, PushRecord } from '../../../shared/schemas/push-record';
import type { PushedMetrics } from '../../../shared/schemas/pushed-metrics';
import type { TrainingRun } from '../../../shared/schemas/training-run';
import type { Logger } from '../log';
import { mapWithConcurrency, storeFile, storeManifest, type StoredManifest } from './content-addressing';
import { settleRegistration, type LatestAlias } from './mirror-version';
import { INPUT_EXAMPLE_FILE, readInputExample } from './input-example';
import { evaluationOf, readPushedMetrics } from './pushed-metrics';
import type { VersionSigning } from './version-signing';

/** The finalized object an event announces. */
export interface FinalizedObject {
  bucket: string;
  name: string;
  generation: string;
  /** RFC 3339, from the event: tells a file that arrived after its directory was registered. */
  timeCreated?: string | null;
  eventId?: string | null;
}

export type RegisterOutcome =
  | { outcome: 'ignored' }
  | { outcome: 'waiting'; missing: string[] }
  | { outcome: 'superseded' }
  | { outcome: 'duplicate'; versionId: string }
  | { outcome: 'in_progress'; heldBy: string | null }
  | { outcome: 'registered'; versionId: string; vertexState: ModelVersion['vertex']['state']; deduplicatedFiles: number }
  | { outcome: 'rejected'; code: PushFailureCode; message: string };

export interface RegisterSettings {
  registryBucket: string;
  servingContainerImage: string;
  maxPushFiles: number;
  /** metrics.json and `*.index.json` larger than this are refused rather than buffered. */
  maxJsonBytes: number;
  hashConcurrency: number;
  /** How long a claim on a push directory keeps other events away (at least the function's timeout). */
  claimLeaseMs: number;
  mirrorAttempts: number;
  mirrorRetryDelayMs: number;
}

export interface RegisterPushDeps {
  objects: ObjectStore;
  registrations: RegistrationStore;
  runs: TrainingRunReader;
  mirror: ModelMirror;
  clock: Clock;
  /** Names a claim when the object comes without an event id (direct calls). */
  ids: () => string;
  /** Registry events (`version.registered`, `version.registration_failed`), written to the outbox. */
  events: EventFactory;
  /** Publishes them right after the commit; what it cannot publish is left to the periodic drain. */
  flusher: EventFlusher;
  /** Keeps `latest` on the newest version, in Firestore and in Vertex AI. */
  aliases: LatestAlias;
  /** Signs each registered version (null: signing not configured; versions get `signature: null`). */
  signing?: Pick<VersionSigning, 'sign'> | null;
  log: Logger;
  settings: RegisterSettings;
}

/** A push refused for good: recorded and acknowledged, never retried. */
class PushRejection extends Error {
  constructor(readonly code: PushFailureCode, message: string) {
    super(message);
  }
}

/** The idempotency key of a push directory (document ids cannot hold `/`). */
export function pushIdOf(push: Pick<PushedObject, 'runId' | 'versionDir'>): string {
  return `${push.runId}:${push.versionDir}`;
}

/**
 * The `version.registered` event of a push. Its id is derived from the push and the version, so
 * that every attempt of the registration transaction writes the same outbox document.
 */
export function registeredEvent(events: EventFactory, pushId: string, version: ModelVersion): RegistryEvent {
  const event = events('version.registered', version.id, versionRegisteredData(version));
  return { ...event, id: nameBasedId('version.registered', pushId, version.id) };
}

/**
 * Push → version (DESIGN.md, flow 1). Each finalized object of a push directory triggers this; it
 * acts once the directory is complete for its format, so whatever order the files arrive in, the
 * last one's event registers it. Of the events that find it complete, one claims the push and does
 * the work (a redelivery of that event may take over; others stand back), and the transaction that
 * allocates the version number registers the push at most once. Errors that a retry can fix are thrown (the
 * event is redelivered); a push that can never register is recorded in `pushes/{id}` and acknowledged.
 */
export class PushRegistration {
  constructor(private readonly deps: RegisterPushDeps) {}

  /**
   * `lastAttempt`: the event will not be delivered again (it is older than MAX_EVENT_AGE_SECONDS),
   * so a transient failure is recorded as EVENT_EXPIRED (saying why) and acknowledged instead of
   * thrown; an error while recording that is still thrown.
   */
  async handle(object: FinalizedObject, options: { lastAttempt?: string } = {}): Promise<RegisterOutcome> {
    const kind = classifyPushedObject(object.name);
    // Most objects of the bucket are not model files: decide that without any read.
    if (kind.kind === 'outside') return { outcome: 'ignored' };
    if (kind.kind === 'malformed') {
      const id = `malformed:${createHash('sha256').update(`${object.bucket}/${object.name}`).digest('hex').slice(0, 40)}`;
      return this.reject(object, id, null, new PushRejection('BAD_LAYOUT', kind.reason));
    }
    const push = kind.object;
    try {
      return await this.registerDirectory(object, push);
    } catch (error) {
      if (error instanceof PushRejection) return this.reject(object, pushIdOf(push), push.prefix, error);
      // A file changed before this event claimed the push: that write's own event takes over.
      if (error instanceof ObjectGoneError) return { outcome: 'superseded' };
      if (options.lastAttempt === undefined) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return this.reject(object, pushIdOf(push), push.prefix, new PushRejection('EVENT_EXPIRED',
        `${options.lastAttempt}; its last attempt failed (${reason}): upload a file of the push again, or push a new versioned directory, to register it`));
    }
  }

  private async registerDirectory(object: FinalizedObject, push: PushedObject): Promise<RegisterOutcome> {
    const { objects, registrations, settings } = this.deps;
    const listing = await objects.list(object.bucket, `${push.prefix}/`, settings.maxPushFiles);
    // Taken once the listing is back: an object created after it cannot be in it.
    const listedAt = this.deps.clock.now().toISOString();
    if (listing.truncated) throw new PushRejection('TOO_MANY_FILES', `more than ${settings.maxPushFiles} files under ${push.prefix}/`);
    const files = filesOf(listing.objects, push.prefix);
    if (files.size === 0) throw new PushRejection('EMPTY_PUSH', `no file under ${push.prefix}/`);

    const completeness = await this.completeness(object.bucket, files);
    if (!completeness.complete) return { outcome: 'waiting', missing: completeness.missing };

    const pushId = pushIdOf(push);
    const eventId = object.eventId ?? this.deps.ids();
    const claim = await registrations.claimPush(
      { id: pushId, bucket: object.bucket, prefix: push.prefix, objectName: object.name, eventId, recordedAt: this.deps.clock.now().toISOString() },
      settings.claimLeaseMs,
    );
    if (claim.outcome === 'registered') {
      await this.noteIfLate(object, push, pushId, claim);
      return { outcome: 'duplicate', versionId: claim.versionId };
    }
    if (claim.outcome === 'in_progress') return { outcome: 'in_progress', heldBy: claim.eventId };

    const notes: string[] = [];
    const [run, metrics, inputExample] = await Promise.all([
      this.trainingRun(push.runId), this.metrics(object.bucket, push.runId, notes),
      files.has(INPUT_EXAMPLE_FILE) ? readInputExample(this.deps.objects, { bucket: object.bucket, name: `${push.prefix}/${INPUT_EXAMPLE_FILE}` }, notes) : null,
    ]);
    const family = familyOf(run, metrics, files);

    const manifest = await this.storeContent(object.bucket, files);

    const now = this.deps.clock.now().toISOString();
    const evaluation = evaluationOf(metrics, run);
    const result = await registrations.register({
      push: { id: pushId, bucket: object.bucket, prefix: push.prefix, objectName: object.name, notes, eventId, recordedAt: now, listedAt },
      family,
      trainingRunId: run?.id ?? null,
      build: (number) => {
        const name = run ? versionDisplayName(run, family.id) : versionId(family.id, number);
        return ModelVersion.parse({
          id: versionId(family.id, number),
          familyId: family.id,
          name,
          modelType: family.modelType,
          version: number,
          versionLabel: `v${number}`,
          blessed: evaluation.blessed,
          deployed: false,
          metrics: evaluation.metrics,
          evaluation: evaluation.evaluation,
          config: run?.config,
          artifacts: {
            modelUri: `gs://${object.bucket}/${push.prefix}`,
            metricsUri: metrics ? `gs://${object.bucket}/${push.runId}/metrics.json` : null,
            manifestDigest: manifest.digest,
            sizeBytes: manifest.sizeBytes,
            fileCount: manifest.entries.length,
            format: completeness.format,
            servingContainerImage: settings.servingContainerImage,
          },
          vertex: pendingMirror(name, new Date(now)),
          signature: this.deps.signing ? pendingSignature(new Date(now)) : null,
          inputExample,
          trainingRunId: run?.id ?? null,
          experimentId: run?.experimentId ?? null,
          registeredAt: now,
          registeredBy: 'system',
          description: `Registered from gs://${object.bucket}/${push.prefix}`,
        });
      },
      registeredEvent: (version) => registeredEvent(this.deps.events, pushId, version),
    });
    if (result.outcome === 'duplicate') return result;

    const { version } = result;
    this.deps.log.info('push registered', { versionId: version.id, prefix: push.prefix, manifest: manifest.digest, deduplicatedFiles: manifest.deduplicatedFiles, notes });
    const { mirror, clock, log, flusher, aliases } = this.deps;
    const vertex = await settleRegistration(version, result.eventId, {
      mirror, registrations, clock, log, flusher, aliases,
      attempts: settings.mirrorAttempts, retryDelayMs: settings.mirrorRetryDelayMs,
    });
    // After the mirror: a KMS outage delays the signature (retried by the minute job), never the registration.
    if (this.deps.signing) await this.deps.signing.sign(version);
    return { outcome: 'registered', versionId: version.id, vertexState: vertex.state, deduplicatedFiles: manifest.deduplicatedFiles };
  }

  /**
   * Hashes and stores every file. A file overwritten since the listing leaves this event holding the
   * claim with a stale listing: it is redelivered (it keeps the claim) and lists again.
   */
  private async storeContent(bucket: string, files: Map<string, ListedObject>): Promise<StoredManifest> {
    const { objects, settings } = this.deps;
    try {
      const stored = await mapWithConcurrency([...files], settings.hashConcurrency, ([relativePath, listed]) =>
        storeFile(objects, { bucket, relativePath, object: listed }, settings.registryBucket));
      return await storeManifest(objects, stored, settings.registryBucket);
    } catch (error) {
      if (error instanceof ObjectGoneError) throw new UpstreamUnavailableError('Cloud Storage', `${error.message}; listing again on redelivery`);
      throw error;
    }
  }

  /**
   * A format's completeness rule cannot know about optional files (assets, tokenizers): one that
   * arrives after its directory was registered is not part of the immutable version. Say so on
   * the push record instead of losing it silently.
   */
  private async noteIfLate(object: FinalizedObject, push: PushedObject, pushId: string, registered: { versionId: string; listedAt: string | null }): Promise<void> {
    if (!object.timeCreated || !registered.listedAt || Date.parse(object.timeCreated) <= Date.parse(registered.listedAt)) return;
    const note = `${push.relativePath} arrived after the push was registered as ${registered.versionId} and is not part of it; push a new versioned directory to register it`;
    await this.deps.registrations.notePush(pushId, note);
    this.deps.log.warn('file arrived after its push was registered', { pushId, object: object.name, versionId: registered.versionId });
  }

  private async completeness(bucket: string, files: Map<string, ListedObject>): Promise<Completeness> {
    const names = new Set(files.keys());
    const first = checkCompleteness(names);
    if (!first.needsIndex) return first;
    const indexObject = files.get(first.needsIndex)!;
    const index = await this.readJson(bucket, indexObject.name, 'INVALID_INDEX');
    if (index === null) throw new ObjectGoneError({ bucket, name: indexObject.name, generation: indexObject.generation });
    return checkCompleteness(names, index);
  }

  private async trainingRun(runId: string): Promise<TrainingRun | null> {
    const id = trainingRunIdOf(runId);
    return id ? this.deps.runs.get(id) : null;
  }

  /** `<run_id>/metrics.json`; its absence or a bad one does not stop registration (blessing stays unknown). */
  private async metrics(bucket: string, runId: string, notes: string[]): Promise<PushedMetrics | null> {
    const name = `${runId}/metrics.json`;
    const { metrics, ignored } = await readPushedMetrics(this.deps.objects, { bucket, name }, this.deps.settings.maxJsonBytes);
    if (ignored) notes.push(`metrics.json ignored: ${ignored}`);
    else if (!metrics) notes.push(`no metrics.json at gs://${bucket}/${name}: registered without metrics; blessing unknown`);
    return metrics;
  }

  private async readJson(bucket: string, name: string, code: PushFailureCode): Promise<unknown> {
    try {
      return await this.deps.objects.readJson({ bucket, name }, this.deps.settings.maxJsonBytes);
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'PAYLOAD_TOO_LARGE' || error.code === 'VALIDATION_FAILED')) {
        throw new PushRejection(code, error.message);
      }
      throw error;
    }
  }

  private async reject(object: FinalizedObject, id: string, prefix: string | null, rejection: PushRejection): Promise<RegisterOutcome> {
    const record: PushRecord = {
      id, bucket: object.bucket, prefix, objectName: object.name, state: 'failed', versionId: null,
      code: rejection.code, message: rejection.message, notes: [], eventId: object.eventId ?? null,
      recordedAt: this.deps.clock.now().toISOString(), listedAt: null,
    };
    const event = this.deps.events('version.registration_failed', `pushes/${id}`, registrationFailedData({
      pushId: id, bucket: object.bucket, prefix, code: rejection.code, message: rejection.message,
    }));
    const recorded = await this.deps.registrations.recordFailedPush(record, event);
    this.deps.log.warn('push refused', { pushId: id, object: object.name, code: rejection.code, reason: rejection.message });
    if (recorded) await this.deps.flusher.flush([event.id]);
    return { outcome: 'rejected', code: rejection.code, message: rejection.message };
  }
}

/** A UUID-shaped id derived from its parts (RFC 9562 version 8: the bits are a SHA-256 prefix). */
function nameBasedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Relative path → object, for the files of the directory whose names follow the layout. */
function filesOf(objects: ListedObject[], prefix: string): Map<string, ListedObject> {
  const files = new Map<string, ListedObject>();
  for (const object of objects) {
    const parsed = parsePushedObject(object.name);
    if (parsed && parsed.prefix === prefix) files.set(parsed.relativePath, object);
  }
  return files;
}

/**
 * The run document names the family; without one, metrics.json may (DESIGN.md, flow 1), or else the
 * files' custom metadata (`registry-family`, `registry-model-type`), for pipelines that copy with gcloud.
 */
function familyOf(run: TrainingRun | null, metrics: PushedMetrics | null, files: Map<string, ListedObject>): { id: string; modelType: ModelType } {
  if (run) {
    if (!Slug.safeParse(run.familyId).success) throw new PushRejection('UNKNOWN_FAMILY', `training run ${run.id} names an invalid family id '${run.familyId}'`);
    return { id: run.familyId, modelType: run.modelType };
  }
  if (metrics?.family && metrics.model_type) return { id: metrics.family, modelType: metrics.model_type };
  const fromMetadata = familyFromMetadata(files.values());
  if (fromMetadata.found) {
    if ('problem' in fromMetadata) throw new PushRejection('UNKNOWN_FAMILY', fromMetadata.problem);
    return { id: fromMetadata.id, modelType: fromMetadata.modelType };
  }
  throw new PushRejection('UNKNOWN_FAMILY', `no training run document for this run id, no family/model_type in metrics.json, and no ${FAMILY_METADATA_KEY}/${MODEL_TYPE_METADATA_KEY} metadata on the pushed files`);
}

