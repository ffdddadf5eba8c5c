import { createHash } from 'node:crypto';
import { blobObjectName } from '../../shared/domain/manifest';
import type { ObjectStore } from '../../shared/register-ports';
import type { ModelVersion } from '../../shared/schemas/model-version';
import { storeManifest, type StoredFile } from '../../functions/src/app/content-addressing';
import { demoModelFiles } from './demo-model';

/**
 * Stores demo versions' files as registration does: each blob under its SHA-256 in the registry
 * bucket (write-once) and the manifest under its digest, so that their manifests, ZIP downloads and
 * deletes work. Returns the versions with the manifest digest, size and file count of what was stored.
 */
export async function storeDemoArtifacts(objects: ObjectStore, registryBucket: string, versions: ModelVersion[]): Promise<ModelVersion[]> {
  return Promise.all(versions.map(async (version, index) => {
    const stored: StoredFile[] = await Promise.all(demoModelFiles(index + 1).map(async ({ path, bytes }) => {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const outcome = await objects.writeIfAbsent({ bucket: registryBucket, name: blobObjectName(sha256) }, bytes, 'application/octet-stream');
      return { entry: { path, size: bytes.byteLength, sha256, contentType: 'application/octet-stream' }, deduplicated: outcome === 'exists' };
    }));
    const manifest = await storeManifest(objects, stored, registryBucket);
    return {
      ...version,
      artifacts: { ...version.artifacts, manifestDigest: manifest.digest, sizeBytes: manifest.sizeBytes, fileCount: manifest.entries.length },
    };
  }));
}
