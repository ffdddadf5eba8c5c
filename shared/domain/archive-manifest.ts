import type { ModelVersion } from '../schemas/model-version';
import { sortManifest, type ManifestEntry } from './manifest';

/**
 * The ZIP of a version (seed 003 "Download"): `manifest.json` at the root and the model's files
 * under `model/`, so that no model file (even one named manifest.json) can collide with it.
 */
export const ARCHIVE_MANIFEST_PATH = 'manifest.json';
export const ARCHIVE_MODEL_ROOT = 'model/';
/** The version's model-signing bundle (Sigstore JSON), beside manifest.json once the version is signed. */
export const ARCHIVE_SIGNATURE_PATH = 'model.sig';
export const ARCHIVE_SCHEMA = 'model-registry.version-archive/1';

export interface ArchiveManifest {
  schema: string;
  versionId: string;
  familyId: string;
  version: number;
  versionLabel: string;
  name: string;
  modelType: string;
  format: string | null;
  manifestDigest: string;
  sizeBytes: number;
  fileCount: number;
  /** Where the files are inside the archive. */
  root: string;
  files: ManifestEntry[];
  lineage: {
    trainingRunId: string | null;
    experimentId: string | null;
    sourceUri: string;
    metricsUri: string | null;
    registeredAt: string;
    registeredBy: string;
  };
  metrics: Record<string, number>;
  evaluation: ModelVersion['evaluation'];
  blessed: boolean | null;
}

/**
 * What `manifest.json` says about a version. Only fields that never change once a version is
 * written go in (not its deployment, aliases or Vertex state), so the same version always gives
 * the same archive bytes.
 */
export function archiveManifest(version: ModelVersion, manifestDigest: string, entries: readonly ManifestEntry[]): ArchiveManifest {
  const files = sortManifest(entries).map(({ path, size, sha256, contentType }) => ({ path, size, sha256, contentType }));
  return {
    schema: ARCHIVE_SCHEMA,
    versionId: version.id,
    familyId: version.familyId,
    version: version.version,
    versionLabel: version.versionLabel,
    name: version.name,
    modelType: version.modelType,
    format: version.artifacts.format,
    manifestDigest,
    sizeBytes: files.reduce((sum, f) => sum + f.size, 0),
    fileCount: files.length,
    root: ARCHIVE_MODEL_ROOT,
    files,
    lineage: {
      trainingRunId: version.trainingRunId,
      experimentId: version.experimentId,
      sourceUri: version.artifacts.modelUri,
      metricsUri: version.artifacts.metricsUri,
      registeredAt: version.registeredAt,
      registeredBy: version.registeredBy,
    },
    metrics: Object.fromEntries(Object.entries(version.metrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    evaluation: version.evaluation,
    blessed: version.blessed,
  };
}
