import { createHash } from 'node:crypto';
import { VersionArchives } from '../../../functions/src/app/version-archive';
import { canonicalManifest, type ManifestEntry } from '../../../shared/domain/manifest';
import { makeVersion } from '../../support/fixtures';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The SHA-256 of the ZIP of one fixed version, built from in-memory ports (no emulator, no twin). */
export async function fixedArchiveDigest(): Promise<string> {
  const blobs = new Map(['saved_model.pb', 'variables/variables.index'].map((path) => {
    const bytes = Buffer.from(`content of ${path}`);
    return [sha256(bytes), { path, bytes }];
  }));
  const entries: ManifestEntry[] = [...blobs].map(([hex, { path, bytes }]) => ({ path, size: bytes.length, sha256: hex, contentType: null }));
  const digest = `sha256:${sha256(canonicalManifest(entries))}`;
  const version = makeVersion({ familyId: 'fixed', version: 1 });
  version.artifacts.manifestDigest = digest;
  const archives = new VersionArchives({
    registryBucket: 'registry',
    versions: { get: async () => version },
    objects: { readJson: async () => entries },
    blobs: { async *read({ name }) { yield blobs.get(name.split('/').pop()!)!.bytes; } },
  });
  const hash = createHash('sha256');
  for await (const chunk of (await archives.open(version.id)).stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
