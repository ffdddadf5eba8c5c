import { DomainError } from './errors';
import type { RegistryEvent } from './domain/registry-events';
import type { ModelType } from './schemas/common';
import type { ModelVersion } from './schemas/model-version';
import type { PushRecord } from './schemas/push-record';

/** Ports of the register flow (push → version → Vertex mirror); adapters in functions/src/adapters. */

// ---------------------------------------------------------------- object storage

export interface ObjectLocation {
  bucket: string;
  name: string;
}

/** One object generation: reads and copies are pinned to it, so what was hashed is what is stored. */
export interface ObjectVersion extends ObjectLocation {
  generation: string;
}

export interface ListedObject {
  name: string;
  size: number;
  generation: string;
  contentType: string | null;
  /** The object's custom metadata (`x-goog-meta-*`): a pipeline may name the family there. */
  metadata?: Record<string, string>;
}

export interface Listing {
  objects: ListedObject[];
  /** More objects than `maxObjects` exist under the prefix; `objects` is then incomplete. */
  truncated: boolean;
}

export interface ObjectStore {
  /** Every object whose name starts with `prefix`, up to `maxObjects`. */
  list(bucket: string, prefix: string, maxObjects: number): Promise<Listing>;
  /** The bytes of that generation; fails with ObjectGoneError once it was overwritten or deleted. */
  read(object: ObjectVersion): AsyncIterable<Uint8Array>;
  /** A small JSON object, or null when absent; PAYLOAD_TOO_LARGE above `maxBytes`, VALIDATION_FAILED when not JSON. */
  readJson(location: ObjectLocation, maxBytes: number): Promise<unknown>;
  /** Server-side copy that only happens when the destination does not exist yet (write-once). */
  copyIfAbsent(source: ObjectVersion, destination: ObjectLocation): Promise<'created' | 'exists'>;
  /** Writes bytes only when the destination does not exist yet (write-once). */
  writeIfAbsent(destination: ObjectLocation, bytes: Uint8Array, contentType: string): Promise<'created' | 'exists'>;
}

// ---------------------------------------------------------------- Vertex AI Model Registry

export interface MirrorRequest {
  familyId: string;
  version: number;
  displayName: string;
  /** `gs://<bucket>/<run_id>/pushed_model/<n>`: the directory holding saved_model.pb (bug #3). */
  artifactUri: string;
  /** Already sanitized (bug #2). */
  labels: Record<string, string>;
  servingContainerImage: string;
  description: string;
}

export interface MirrorResult {
  modelResourceName: string;
  versionId: string;
}

export interface ModelMirror {
  /**
   * Uploads the version as a version of its family's Vertex model (creating the model for the
   * first one). With `reuseExisting`, a version an earlier attempt already uploaded is returned
   * instead of uploading it twice.
   */
  mirror(request: MirrorRequest, options: { reuseExisting: boolean }): Promise<MirrorResult>;
}

// ---------------------------------------------------------------- Firestore

export interface RegistrationRequest {
  /** The push record as it will be stored once registered (state, versionId filled in by the store). */
  push: Omit<PushRecord, 'state' | 'versionId' | 'code' | 'message'>;
  family: { id: string; modelType: ModelType };
  /** A training run document to link to the new version, when one exists. */
  trainingRunId: string | null;
  /** Builds the immutable version once its number is allocated. */
  build(version: number): ModelVersion;
  /** The `version.registered` event, written to the outbox in the same transaction. */
  registeredEvent(version: ModelVersion): RegistryEvent;
}

export type RegistrationResult =
  | { outcome: 'registered'; version: ModelVersion; eventId: string }
  | { outcome: 'duplicate'; versionId: string };

export type PushClaim =
  | { outcome: 'claimed' }
  | { outcome: 'registered'; versionId: string; listedAt: string | null }
  | { outcome: 'in_progress'; eventId: string | null };

export type MirrorClaim =
  | { outcome: 'claimed'; version: ModelVersion }
  | { outcome: 'mirrored'; version: ModelVersion }
  | { outcome: 'in_progress'; version: ModelVersion }
  | { outcome: 'not_found' };

export interface RegistrationStore {
  /**
   * Takes the right to register a complete push directory, so that the events of its other files
   * (Eventarc delivers them at about the same time) do not all hash it. Granted when the push is
   * unknown or failed, already held by the same event (a redelivery), or held for longer than
   * `leaseMs` (its holder died). Lock-free: create / update-if-unchanged preconditions. A push
   * taken over keeps its last refusal (`code`, `message`) until it is registered or refused again.
   */
  claimPush(claim: Pick<PushRecord, 'id' | 'bucket' | 'prefix' | 'objectName' | 'eventId' | 'recordedAt'>, leaseMs: number): Promise<PushClaim>;
  /**
   * In one transaction: unless the push is already registered, allocates the family's next version
   * number, creates the version, creates or advances the family, records the push as registered
   * and adds the `version.registered` event to the outbox.
   */
  register(request: RegistrationRequest): Promise<RegistrationResult>;
  /** Adds a note to a push record (e.g. a file that arrived after the push was registered). */
  notePush(pushId: string, note: string): Promise<void>;
  /**
   * Records a refused push and, in the same commit, its `version.registration_failed` event. Never
   * overwrites a push that is registered; a push last refused with the same code is not announced
   * again. True when the event was written.
   */
  recordFailedPush(record: PushRecord, event: RegistryEvent): Promise<boolean>;
  /** The version registered from a training run, if any. */
  findVersionOfRun(trainingRunId: string): Promise<string | null>;
  /**
   * Takes the right to (re)mirror a version: granted when its mirror failed, or is pending for
   * longer than `leaseMs` (the instance that was mirroring it died). Counts the attempt.
   */
  claimMirror(versionId: string, now: Date, leaseMs: number): Promise<MirrorClaim>;
  /** Updates only the version's `vertex` field: everything else about a version is immutable. */
  recordMirror(versionId: string, vertex: ModelVersion['vertex']): Promise<void>;
  /** Versions whose mirror is due to be tried again (`vertex.nextRetryAt` ≤ now), most overdue first. */
  mirrorsDue(now: Date, limit: number): Promise<string[]>;
}

// ---------------------------------------------------------------- errors adapters translate to

/** A dependency is unavailable for now (UNAVAILABLE, 429, 5xx, network): retrying may succeed. */
export class UpstreamUnavailableError extends DomainError {
  constructor(service: string, message: string) {
    super('UPSTREAM_UNAVAILABLE', `${service}: ${message}`, { service });
  }
}

/** A dependency refused the request; retrying the same request will not help. */
export class UpstreamFailedError extends DomainError {
  constructor(service: string, message: string, readonly upstreamCode: string | number | null = null) {
    super('UPSTREAM_FAILED', `${service}: ${message}`, { service, upstreamCode });
  }
}

/** The pinned generation of an object no longer exists (overwritten or deleted since it was listed). */
export class ObjectGoneError extends DomainError {
  constructor(object: ObjectVersion) {
    super('NOT_FOUND', `gs://${object.bucket}/${object.name}#${object.generation} no longer exists`, { ...object });
  }
}

export function isTransient(error: unknown): boolean {
  return error instanceof DomainError && error.code === 'UPSTREAM_UNAVAILABLE';
}
