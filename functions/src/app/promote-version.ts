import { createHash } from 'node:crypto';
import { pendingMirror } from '../../../shared/domain/mirror-retry-policy';
import type { FamilyStore, VersionLabelStore } from '../../../shared/artifact-ports';
import { versionDisplayName, versionId } from '../../../shared/domain/display-name';
import { checkCompleteness, type Completeness } from '../../../shared/domain/model-format';
import { parsePushedObject, trainingRunIdOf } from '../../../shared/domain/push-layout';
import { versionRegisteredData, type EventFactory } from '../../../shared/domain/registry-events';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../../shared/errors';
import type { Clock, TrainingRunReader, VersionReader } from '../../../shared/ports';
import { ObjectGoneError, type ListedObject, type ModelMirror, type ObjectLocation, type ObjectStore, type RegistrationStore } from '../../../shared/register-ports';
import type { EventFlusher } from '../../../shared/registry-ports';
import type { PromoteRequest } from '../../../shared/schemas/artifact-api';
import type { Family } from '../../../shared/schemas/family';
import { ModelVersion } from '../../../shared/schemas/model-version';
import type { PushedMetrics } from '../../../shared/schemas/pushed-metrics';
import type { TrainingRun } from '../../../shared/schemas/training-run';
import type { Logger } from '../log';
import { mapWithConcurrency, storeFile, storeManifest, type StoredManifest } from './content-addressing';
import { advanceLatest, mirrorVersion, type LatestAlias } from './mirror-version';
import { evaluationOf, readPushedMetrics } from './pushed-metrics';
import { pendingSignature } from '../../../shared/domain/signature-retry-policy';
import type { VersionSigning } from './version-signing';
import { pushIdOf, type RegisterSettings } from './register-push';

/** Registration's settings (the claim lease then covers the API's request timeout), plus where promotion reads. */
export interface PromotionSettings extends RegisterSettings {
  /** Promotion takes directories of this bucket only. */
  pushesBucket: string;
}

export interface PromotionDeps {
  families: Pick<FamilyStore, 'get'>;
  runs: TrainingRunReader;
  versions: Pick<VersionReader, 'get'>;
  objects: ObjectStore;
  registrations: RegistrationStore;
  labels: VersionLabelStore;
  mirror: ModelMirror;
  /** `version.registered`, written to the outbox in the registration transaction. */
  events: EventFactory;
  /** Publishes it once the mirror is settled; what it cannot publish is left to the periodic drain. */
  flusher: EventFlusher;
  /** Keeps `latest` on the newest version. */
  aliases: LatestAlias;
  /** Signs each promoted version (null: signing not configured). */
  signing?: Pick<VersionSigning, 'sign'> | null;
  clock: Clock;
  log: Logger;
  settings: PromotionSettings;
}

export interface PromotionResult {
  /** False when the directory was already a version of this family (the same version is returned). */
  created: boolean;
  version: ModelVersion;
}

/** The directory being promoted, and where the request named it (for error field paths). */
interface Source {
  field: 'body.trainingRunId' | 'body.gcsPrefix';
  bucket: string;
  prefix: string;
  /** The idempotency key: a pushed `<run>/pushed_model/<n>` directory has the key registration uses. */
  pushId: string;
  run: TrainingRun | null;
  metrics: ObjectLocation;
}

const UNSAFE_SEGMENT = /^(|\.|\.\.)$|[\u0000-\u001f\u007f\\]/;

/**
 * Promotion (seed 003): a training run's pushed model, or any complete model directory of the
 * pushes bucket, becomes the next immutable version of a family. The same steps as registration:
 * completeness per format, SHA-256 content-addressed copies, the version number allocated in the
 * registration transaction (idempotent per directory: promoting it again answers the same version),
 * then the Vertex AI mirror. Labels are `v<n>` unless one is given; given ones are unique per family.
 */
export class VersionPromotion {
  constructor(private readonly deps: PromotionDeps) {}

  async promote(familyId: string, request: PromoteRequest, actor: string): Promise<PromotionResult> {
    const family = await this.deps.families.get(familyId);
    if (!family) throw new NotFoundError('Family', familyId);
    const source = await this.source(request);
    const { files, completeness, listedAt } = await this.completeDirectory(source);
    const label = request.label ?? null;
    const where = `gs://${source.bucket}/${source.prefix}`;

    if (label) {
      const claim = await this.deps.labels.claim(family.id, label, source.pushId, this.deps.clock.now(), this.deps.settings.claimLeaseMs);
      if (claim.outcome === 'taken') {
        throw new ConflictError(
          claim.versionId ? `Label '${label}' already names ${claim.versionId} in family '${family.id}'` : `Label '${label}' is being given to another version of family '${family.id}'`,
          { familyId: family.id, label, versionId: claim.versionId },
        );
      }
    }
    // Until a version is settled for the directory, a failure lets the label go.
    let settled = false;
    try {
      const claim = await this.deps.registrations.claimPush({
        id: source.pushId, bucket: source.bucket, prefix: source.prefix, objectName: `${source.prefix}/`,
        // One event id per directory: a retried promotion takes over its own unfinished claim at once.
        eventId: `promote:${source.pushId}`, recordedAt: this.deps.clock.now().toISOString(),
      }, this.deps.settings.claimLeaseMs);
      if (claim.outcome === 'in_progress') throw new ConflictError(`${where} is being registered right now; try again in a moment`, { prefix: where });
      if (claim.outcome === 'registered') {
        settled = true;
        return await this.existing(claim.versionId, family, label, source);
      }

      const notes: string[] = [];
      const metrics = await this.readMetrics(source.metrics, notes);
      const manifest = await this.storeContent(source, files);
      const evaluation = evaluationOf(metrics, source.run);
      const now = this.deps.clock.now().toISOString();
      const result = await this.deps.registrations.register({
        push: { id: source.pushId, bucket: source.bucket, prefix: source.prefix, objectName: `${source.prefix}/`, notes, eventId: `promote:${source.pushId}`, recordedAt: now, listedAt },
        family: { id: family.id, modelType: family.modelType },
        trainingRunId: source.run?.id ?? null,
        build: (number) => {
          const name = source.run ? versionDisplayName(source.run, family.id) : versionId(family.id, number);
          return ModelVersion.parse({
            id: versionId(family.id, number),
            familyId: family.id,
            name,
            modelType: family.modelType,
            version: number,
            versionLabel: label ?? `v${number}`,
            blessed: evaluation.blessed,
            deployed: false,
            metrics: evaluation.metrics,
            evaluation: evaluation.evaluation,
            config: source.run?.config,
            artifacts: {
              modelUri: where,
              metricsUri: metrics ? `gs://${source.metrics.bucket}/${source.metrics.name}` : null,
              manifestDigest: manifest.digest,
              sizeBytes: manifest.sizeBytes,
              fileCount: manifest.entries.length,
              format: completeness.format,
              servingContainerImage: this.deps.settings.servingContainerImage,
            },
            vertex: pendingMirror(name, new Date(now)),
            signature: this.deps.signing ? pendingSignature(new Date(now)) : null,
            trainingRunId: source.run?.id ?? null,
            experimentId: source.run?.experimentId ?? null,
            registeredAt: now,
            registeredBy: actor,
            description: `Promoted from ${where} by ${actor}`,
          });
        },
        registeredEvent: (version) => this.deps.events('version.registered', version.id, versionRegisteredData(version)),
      });
      settled = true;
      if (result.outcome === 'duplicate') return await this.existing(result.versionId, family, label, source);
      if (label) await this.deps.labels.bind(family.id, label, source.pushId, result.version.id);
      this.deps.log.info('version promoted', { versionId: result.version.id, prefix: where, manifest: manifest.digest, deduplicatedFiles: manifest.deduplicatedFiles, actor, notes });
      const vertex = await mirrorVersion(result.version, {
        mirror: this.deps.mirror, registrations: this.deps.registrations, clock: this.deps.clock, log: this.deps.log,
        attempts: this.deps.settings.mirrorAttempts, retryDelayMs: this.deps.settings.mirrorRetryDelayMs,
      }, { reuseExisting: false });
      // As registration: announced once the mirror is settled, and before `latest` moves.
      await this.deps.flusher.flush([result.eventId]);
      await advanceLatest(result.version, { aliases: this.deps.aliases, log: this.deps.log });
      const signature = this.deps.signing ? await this.deps.signing.sign(result.version) : result.version.signature;
      return { created: true, version: { ...result.version, vertex, signature } };
    } catch (error) {
      if (label && !settled) {
        await this.deps.labels.release(family.id, label, source.pushId).catch((e: unknown) => this.deps.log.warn('promotion: label claim not released', { label, error: e }));
      }
      throw error;
    }
  }

  /** The directory is already a version: the same one for this family, a conflict otherwise. */
  private async existing(id: string, family: Family, label: string | null, source: Source): Promise<PromotionResult> {
    const where = `gs://${source.bucket}/${source.prefix}`;
    const version = await this.deps.versions.get(id);
    const release = () => (label ? this.deps.labels.release(family.id, label, source.pushId) : Promise.resolve());
    if (!version) {
      await release();
      throw new ConflictError(`${where} was registered as ${id}, which no longer exists`, { versionId: id });
    }
    if (version.familyId !== family.id) {
      await release();
      throw new ConflictError(`${where} is already registered as ${id} in family '${version.familyId}'`, { versionId: id, familyId: version.familyId });
    }
    if (label && version.versionLabel !== label) {
      await release();
      throw new ConflictError(`${where} is already ${id}, labelled '${version.versionLabel}'`, { versionId: id, label: version.versionLabel });
    }
    if (label) await this.deps.labels.bind(family.id, label, source.pushId, id);
    return { created: false, version };
  }

  private async source(request: PromoteRequest): Promise<Source> {
    const { objects, runs, settings } = this.deps;
    if (request.gcsPrefix !== undefined) {
      const field = 'body.gcsPrefix' as const;
      const match = /^gs:\/\/([^/]+)\/(.+?)\/*$/.exec(request.gcsPrefix);
      const [bucket, prefix] = [match?.[1] ?? '', match?.[2] ?? ''];
      if (bucket !== settings.pushesBucket) throw invalid(field, `must be a directory of the pushes bucket gs://${settings.pushesBucket}/`);
      if (prefix.split('/').some((s) => UNSAFE_SEGMENT.test(s))) throw invalid(field, 'must not hold empty, "." or ".." segments, backslashes or control characters');
      const pushed = parsePushedObject(`${prefix}/_`);
      if (pushed && pushed.prefix === prefix) {
        const runId = trainingRunIdOf(pushed.runId);
        return { field, bucket, prefix, pushId: pushIdOf(pushed), run: runId ? await runs.get(runId) : null, metrics: { bucket, name: `${pushed.runId}/metrics.json` } };
      }
      return { field, bucket, prefix, pushId: `promote:${createHash('sha256').update(prefix).digest('hex').slice(0, 40)}`, run: null, metrics: { bucket, name: `${prefix}/metrics.json` } };
    }

    const field = 'body.trainingRunId' as const;
    const run = await runs.get(request.trainingRunId!);
    if (!run) throw new NotFoundError('Training run', request.trainingRunId!);
    const bucket = settings.pushesBucket;
    const listing = await objects.list(bucket, `${run.runId}/pushed_model/`, settings.maxPushFiles);
    if (listing.truncated) throw invalid(field, `has more than ${settings.maxPushFiles} pushed objects; promote one version directory with gcsPrefix instead`);
    // The newest versioned directory the run pushed (TFX names them by timestamp).
    const latest = listing.objects
      .map((o) => parsePushedObject(o.name))
      .filter((p) => p !== null)
      .reduce<ReturnType<typeof parsePushedObject>>((best, p) => (!best || compareNumeric(p.versionDir, best.versionDir) > 0 ? p : best), null);
    if (!latest) throw invalid(field, `training run ${run.id} has no pushed model under gs://${bucket}/${run.runId}/pushed_model/<n>/`);
    return { field, bucket, prefix: latest.prefix, pushId: pushIdOf(latest), run, metrics: { bucket, name: `${run.runId}/metrics.json` } };
  }

  /** Lists the directory and checks it holds every file its format needs. */
  private async completeDirectory(source: Source): Promise<{ files: Map<string, ListedObject>; completeness: Completeness; listedAt: string }> {
    const { objects, settings } = this.deps;
    const where = `gs://${source.bucket}/${source.prefix}/`;
    const listing = await objects.list(source.bucket, `${source.prefix}/`, settings.maxPushFiles);
    const listedAt = this.deps.clock.now().toISOString();
    if (listing.truncated) throw new DomainError('PAYLOAD_TOO_LARGE', `${where} holds more than ${settings.maxPushFiles} files`, { limit: settings.maxPushFiles });
    const files = new Map<string, ListedObject>();
    const unsafe: string[] = [];
    for (const object of listing.objects) {
      const path = object.name.slice(source.prefix.length + 1);
      if (path === '' || path.endsWith('/')) continue; // folder placeholders carry no content
      if (path.split('/').some((s) => UNSAFE_SEGMENT.test(s))) unsafe.push(object.name);
      else files.set(path, object);
    }
    if (unsafe.length) throw invalid(source.field, `${where} holds objects with unsafe names: ${unsafe.slice(0, 10).join(', ')}`);
    if (files.size === 0) throw invalid(source.field, `${where} holds no files`);

    const names = new Set(files.keys());
    let completeness = checkCompleteness(names);
    if (completeness.needsIndex) {
      const indexName = files.get(completeness.needsIndex)!.name;
      let index: unknown;
      try {
        index = await objects.readJson({ bucket: source.bucket, name: indexName }, settings.maxJsonBytes);
      } catch (error) {
        if (error instanceof DomainError && (error.code === 'PAYLOAD_TOO_LARGE' || error.code === 'VALIDATION_FAILED')) throw invalid(source.field, error.message);
        throw error;
      }
      completeness = checkCompleteness(names, index ?? {});
    }
    if (!completeness.complete) {
      const what = completeness.format ? `a complete ${completeness.format} model` : 'a model';
      throw new DomainError('VALIDATION_FAILED', `${where} is not ${what}: missing ${completeness.missing.join(', ')}`, {
        fields: [{ path: source.field, message: `missing files: ${completeness.missing.join(', ')}` }],
        missing: completeness.missing,
        format: completeness.format,
      });
    }
    return { files, completeness, listedAt };
  }

  private async storeContent(source: Source, files: Map<string, ListedObject>): Promise<StoredManifest> {
    const { objects, settings } = this.deps;
    try {
      const stored = await mapWithConcurrency([...files], settings.hashConcurrency, ([relativePath, object]) =>
        storeFile(objects, { bucket: source.bucket, relativePath, object }, settings.registryBucket));
      return await storeManifest(objects, stored, settings.registryBucket);
    } catch (error) {
      if (error instanceof ObjectGoneError) throw new ConflictError(`a file of gs://${source.bucket}/${source.prefix}/ changed while it was promoted; try again`, { prefix: source.prefix });
      throw error;
    }
  }

  /** metrics.json, when there is one; a missing or bad one is noted, never a failure (as registration). */
  private async readMetrics(location: ObjectLocation, notes: string[]): Promise<PushedMetrics | null> {
    const { metrics, ignored } = await readPushedMetrics(this.deps.objects, location, this.deps.settings.maxJsonBytes);
    if (ignored) notes.push(`metrics.json ignored: ${ignored}`);
    else if (!metrics) notes.push(`no metrics.json at gs://${location.bucket}/${location.name}`);
    return metrics;
  }
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError([{ path, message }], `${path} ${message}`);
}

/** Compares decimal strings of any length without losing precision. */
function compareNumeric(a: string, b: string): number {
  const [x, y] = [a.replace(/^0+(?=.)/, ''), b.replace(/^0+(?=.)/, '')];
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

