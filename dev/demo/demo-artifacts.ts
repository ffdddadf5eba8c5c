import { createHash } from 'node:crypto';
import { blobObjectName } from '../../shared/domain/manifest';
import type { ObjectStore } from '../../shared/register-ports';
import type { ModelVersion } from '../../shared/schemas/model-version';
import { storeManifest, type StoredFile } from '../../functions/src/app/content-addressing';
import { INPUT_EXAMPLE_FILE } from '../../functions/src/app/input-example';
import { toyInputExample } from '../toy-trainer/model-files';
import { demoModelFiles } from './demo-model';

/**
 * Stores demo versions' files as registration does: each blob under its SHA-256 in the registry
 * bucket (write-once) and the manifest under its digest, so that their manifests, ZIP downloads and
 * deletes work. Each ships an input_example.json, as the toy trainer's models do (the playground
 * starts from it). Returns the versions with the manifest digest, size and file count of what was stored.
 */
export async function storeDemoArtifacts(objects: ObjectStore, registryBucket: string, versions: ModelVersion[]): Promise<ModelVersion[]> {
  return Promise.all(versions.map(async (version, index) => {
    const inputExample = toyInputExample(version.modelType);
    const files = [
      ...demoModelFiles(index + 1).map((f) => ({ ...f, contentType: 'application/octet-stream' })),
      { path: INPUT_EXAMPLE_FILE, bytes: Buffer.from(JSON.stringify(inputExample, null, 2)), contentType: 'application/json' },
    ];
    const stored: StoredFile[] = await Promise.all(files.map(async ({ path, bytes, contentType }) => {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const outcome = await objects.writeIfAbsent({ bucket: registryBucket, name: blobObjectName(sha256) }, bytes, contentType);
      return { entry: { path, size: bytes.byteLength, sha256, contentType }, deduplicated: outcome === 'exists' };
    }));
    const manifest = await storeManifest(objects, stored, registryBucket);
    return {
      ...version,
      inputExample,
      artifacts: { ...version.artifacts, manifestDigest: manifest.digest, sizeBytes: manifest.sizeBytes, fileCount: manifest.entries.length },
    };
  }));
}
