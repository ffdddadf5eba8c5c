import { NotFoundError, ValidationError } from '../../../shared/errors';
import { manifestObjectName } from '../../../shared/domain/manifest';
import { metricDeltas, type MetricDelta } from '../../../shared/domain/metric-deltas';
import { aliasMovedData, aliasSubject, versionRef, type EventFactory } from '../../../shared/domain/registry-events';
import { toVersionView } from '../../../shared/domain/version-view';
import type { Clock, VersionReader } from '../../../shared/ports';
import type { ObjectStore } from '../../../shared/register-ports';
import type { BlobReferences, EventFlusher, LifecycleStore } from '../../../shared/registry-ports';
import type { ModelVersionView } from '../../../shared/schemas/api';
import type { Logger } from '../log';
import type { AliasService } from './aliases';

export interface CompareResponse {
  familyId: string;
  from: ModelVersionView;
  to: ModelVersionView;
  /** Every metric of either version, side by side, with the change from `from` to `to`. */
  deltas: MetricDelta[];
}

export interface LifecycleDeps {
  versions: VersionReader;
  store: LifecycleStore;
  aliases: Pick<AliasService, 'mirrorChange'>;
  /** Absent: a deleted version's tombstone records its manifest digest only. */
  blobs: BlobReferences | null;
  events: EventFactory;
  flusher: EventFlusher;
  clock: Clock;
  log: Logger;
}

/** Compare, archive and delete (seed 000's Versions tab, seed 003's immutable versions). */
export class VersionLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  /** `from` is the first id, `to` the second: the change reads as "from → to" (v2 → v3). */
  async compare(fromId: string, toId: string): Promise<CompareResponse> {
    const [from, to] = await Promise.all([this.deps.versions.get(fromId), this.deps.versions.get(toId)]);
    if (!from) throw new NotFoundError('Model version', fromId);
    if (!to) throw new NotFoundError('Model version', toId);
    if (from.familyId !== to.familyId) {
      throw new ValidationError([{ path: 'params.otherId', message: `is a version of '${to.familyId}', not of '${from.familyId}': only versions of one family compare` }]);
    }
    return { familyId: from.familyId, from: toVersionView(from), to: toVersionView(to), deltas: metricDeltas(from.metrics, to.metrics) };
  }

  async archive(versionId: string, actor: string): Promise<{ changed: boolean; version: ModelVersionView }> {
    const result = await this.deps.store.archive(versionId, this.deps.clock.now(), actor, (version) =>
      this.deps.events('version.archived', version.id, { ...versionRef(version), actor }));
    if (result.eventId) await this.deps.flusher.flush([result.eventId]);
    return { changed: result.changed, version: toVersionView(result.version) };
  }

  /**
   * Deletes a version that is neither deployed nor aliased (`latest` moves to the newest remaining
   * version). Its blobs stay: other versions may share them; the tombstone lists the digests it
   * referenced, so that a collector can later delete those no version references.
   */
  async delete(versionId: string, actor: string): Promise<{ deleted: string; blobDigests: string[] | null; latest: number | null }> {
    const version = await this.deps.versions.get(versionId);
    if (!version) throw new NotFoundError('Model version', versionId);
    const digest = version.artifacts.manifestDigest;
    const blobDigests = digest && this.deps.blobs ? await this.deps.blobs.digestsOf(digest) : null;
    const result = await this.deps.store.delete({
      versionId, actor, at: this.deps.clock.now(), blobDigests,
      deletedEvent: (v) => this.deps.events('version.deleted', v.id, { ...versionRef(v), actor, manifestDigest: v.artifacts.manifestDigest }),
      latestMoved: (change) => this.deps.events('alias.moved', aliasSubject(change.familyId, change.alias), aliasMovedData(change, actor)),
    });
    if (result.latest) await this.deps.aliases.mirrorChange(result.latest);
    await this.deps.flusher.flush(result.eventIds);
    return { deleted: versionId, blobDigests, latest: result.latest?.to?.version ?? null };
  }
}

/** The blobs a manifest lists, read from the registry bucket (`manifests/sha256/<hex>.json`). */
export function manifestBlobReferences(objects: Pick<ObjectStore, 'readJson'>, registryBucket: string, maxBytes = 8 * 1024 * 1024): BlobReferences {
  return {
    async digestsOf(manifestDigest) {
      const manifest = await objects.readJson({ bucket: registryBucket, name: manifestObjectName(manifestDigest) }, maxBytes);
      if (!Array.isArray(manifest)) return null;
      const digests = manifest.map((entry) => (entry as { sha256?: unknown })?.sha256).filter((d): d is string => typeof d === 'string');
      return [...new Set(digests)].sort();
    },
  };
}
