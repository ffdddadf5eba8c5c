import type { ModelVersion } from '../schemas/model-version';

/**
 * Registry events, published on Pub/Sub as CloudEvents 1.0 in structured JSON. Each has a unique
 * `id` that stays the same across redeliveries, so consumers de-duplicate by it.
 */
export const REGISTRY_EVENT_TYPES = [
  'version.registered',
  'version.registration_failed',
  'version.deployed',
  'version.undeployed',
  /** A canary rollout changed the endpoint's traffic: started, advanced, completed, promoted or rolled back. */
  'version.rollout_step',
  'alias.moved',
  'version.archived',
  'version.deleted',
] as const;
export type RegistryEventType = (typeof REGISTRY_EVENT_TYPES)[number];

export const EVENT_TYPE_PREFIX = 'com.modelregistry.';

export interface RegistryEvent<D extends object = Record<string, unknown>> {
  specversion: '1.0';
  id: string;
  source: string;
  /** `com.modelregistry.<type>` */
  type: string;
  /** What the event is about: a version id, or `<family>@<alias>`. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: D;
}

/** Builds events with the registry's source, id generator and clock (so tests can fix both). */
export type EventFactory = <D extends object>(type: RegistryEventType, subject: string, data: D) => RegistryEvent<D>;

export function createEventFactory(options: { source: string; ids: () => string; now: () => Date }): EventFactory {
  return (type, subject, data) => ({
    specversion: '1.0',
    id: options.ids(),
    source: options.source,
    type: `${EVENT_TYPE_PREFIX}${type}`,
    subject,
    time: options.now().toISOString(),
    datacontenttype: 'application/json',
    data,
  });
}

/** The default source: the registry of one project. */
export function defaultEventSource(projectId: string): string {
  return `//model-registry/projects/${projectId}`;
}

/** What every version event says about the version. */
export function versionRef(version: ModelVersion) {
  return { versionId: version.id, familyId: version.familyId, version: version.version, name: version.name };
}

export function versionRegisteredData(version: ModelVersion) {
  return {
    ...versionRef(version),
    modelType: version.modelType,
    blessed: version.blessed,
    metrics: version.metrics,
    modelUri: version.artifacts.modelUri,
    manifestDigest: version.artifacts.manifestDigest,
    trainingRunId: version.trainingRunId,
    registeredAt: version.registeredAt,
  };
}

export function registrationFailedData(failure: { pushId: string; bucket: string; prefix: string | null; code: string; message: string }) {
  return { ...failure };
}

interface AliasEnd { version: number; versionId: string }

export function aliasMovedData(change: { familyId: string; alias: string; from: AliasEnd | null; to: AliasEnd | null }, actor: string) {
  return {
    familyId: change.familyId,
    alias: change.alias,
    fromVersion: change.from?.version ?? null,
    fromVersionId: change.from?.versionId ?? null,
    toVersion: change.to?.version ?? null,
    toVersionId: change.to?.versionId ?? null,
    actor,
  };
}

export function aliasSubject(familyId: string, alias: string): string {
  return `${familyId}@${alias}`;
}
