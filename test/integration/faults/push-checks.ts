import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { seedRegistry } from '../../../dev/demo/seed';
import { manifestObjectName, type ManifestEntry } from '../../../shared/domain/manifest';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { makeRun } from '../../support/fixtures';
import { REGISTRY, savedModel, type RegisterHarness } from '../register/harness';

/** What the fault tests of registration share: pushes with distinct files, and what must hold after any fault. */

export const STAMP = '20261122';
export const prefixOf = (run: number) => `tr-${run}-${STAMP}/pushed_model/1`;
export const numbers = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export const seedRuns = (h: RegisterHarness, familyId: string, from: number, count: number) =>
  seedRegistry(h.db, {
    runs: Array.from({ length: count }, (_, i) => makeRun({ id: String(from + i), runNumber: from + i, familyId, runId: `tr-${from + i}-${STAMP}`, name: `${familyId}-run-${from + i}` })),
  });

/** Distinct files per push (no dedup across pushes), three of them hashed per version. */
export function modelFiles(seed: string): Record<string, Buffer> {
  const files = savedModel(seed);
  delete files['assets/vocab.txt'];
  // A shard big enough that a read broken halfway is a real partial read.
  files['variables/variables.data-00000-of-00001'] = `${seed}:`.repeat(40_000);
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)]));
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * What must hold after any fault: every push is exactly one version, numbered 1..n without a gap,
 * whose manifest lists exactly the pushed files with their SHA-256, each stored whole under its
 * hash; no event was given up.
 */
export async function assertNothingLostOrHalfWritten(h: RegisterHarness, familyId: string, pushes: Map<string, Record<string, Buffer>>): Promise<ModelVersion[]> {
  const versions = await h.versionsOf(familyId);
  assert.deepEqual(versions.map((v) => v.version), numbers(pushes.size), 'one version per push, numbered without a gap');
  assert.deepEqual(new Set(versions.map((v) => v.artifacts.modelUri)), new Set([...pushes.keys()].map((p) => `gs://pushes/${p}`)));
  assert.equal(h.gcs.deliveries().gaveUp, 0, 'no finalize event was given up');
  const registry = h.storage.bucket(REGISTRY);
  for (const version of versions) {
    const files = pushes.get(version.artifacts.modelUri.replace('gs://pushes/', ''))!;
    const [manifestBytes] = await registry.file(manifestObjectName(version.artifacts.manifestDigest!)).download();
    assert.equal(`sha256:${sha256(manifestBytes)}`, version.artifacts.manifestDigest);
    const manifest = JSON.parse(manifestBytes.toString()) as ManifestEntry[];
    assert.deepEqual(Object.fromEntries(manifest.map((e) => [e.path, e.sha256])), Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, sha256(bytes)])));
    for (const entry of manifest) {
      const [blob] = await registry.file(`blobs/sha256/${entry.sha256}`).download();
      assert.equal(sha256(blob), entry.sha256, `blob ${entry.sha256} holds exactly the bytes of ${entry.path}`);
    }
  }
  return versions;
}

/** Vertex AI versions of a family's model, and the registry aliases they carry. */
export function vertexVersionsOf(h: RegisterHarness, familyId: string) {
  const model = h.vertex.models().find((m) => m.name.endsWith(`/models/${familyId}`));
  return (model?.versions ?? []).map((v) => ({ versionId: v.versionId, aliases: (v.versionAliases ?? []).filter((a) => /^v\d+$/.test(a)) }));
}

export async function pushAll(h: RegisterHarness, familyId: string, from: number, count: number): Promise<Map<string, Record<string, Buffer>>> {
  await seedRuns(h, familyId, from, count);
  const pushes = new Map(Array.from({ length: count }, (_, i) => [prefixOf(from + i), modelFiles(`${familyId}-${i}`)] as const));
  await Promise.all([...pushes].map(([prefix, files]) => h.push(prefix, files)));
  return pushes;
}
