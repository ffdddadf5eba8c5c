import { ARCHIVE_MANIFEST_PATH, ARCHIVE_MODEL_ROOT, ARCHIVE_SCHEMA, ARCHIVE_SIGNATURE_PATH } from './archive-manifest';
import { canonicalManifest, type ManifestEntry } from './manifest';

/** One entry of a downloaded ZIP, as read and hashed from its bytes. */
export interface ArchivedEntry {
  name: string;
  size: number;
  sha256: string;
}

export interface ArchiveCheck {
  ok: boolean;
  versionId: string | null;
  manifestDigest: string | null;
  /** Files that matched their listed size and SHA-256. */
  verifiedFiles: number;
  problems: string[];
}

/**
 * Whether a version's ZIP is what its `manifest.json` says: the manifest's digest is the digest of
 * its file list, and every listed file is there with its size and SHA-256, and nothing else is.
 * `sha256Hex` hashes text (the canonical list); entries are hashed by the caller as it reads them.
 */
export function checkArchive(manifestText: string | null, entries: readonly ArchivedEntry[], sha256Hex: (text: string) => string): ArchiveCheck {
  const problems: string[] = [];
  const fail = (versionId: string | null = null, manifestDigest: string | null = null): ArchiveCheck => ({
    ok: false, versionId, manifestDigest, verifiedFiles: 0, problems,
  });
  if (manifestText === null) {
    problems.push(`no ${ARCHIVE_MANIFEST_PATH} at the root: not a version archive of this registry`);
    return fail();
  }
  let manifest: { schema?: unknown; versionId?: unknown; manifestDigest?: unknown; files?: unknown };
  try {
    manifest = JSON.parse(manifestText) as typeof manifest;
  } catch {
    problems.push(`${ARCHIVE_MANIFEST_PATH} is not JSON`);
    return fail();
  }
  const versionId = typeof manifest.versionId === 'string' ? manifest.versionId : null;
  const digest = typeof manifest.manifestDigest === 'string' ? manifest.manifestDigest : null;
  if (manifest.schema !== ARCHIVE_SCHEMA) problems.push(`${ARCHIVE_MANIFEST_PATH} has schema ${JSON.stringify(manifest.schema)}, expected ${ARCHIVE_SCHEMA}`);
  if (!Array.isArray(manifest.files) || !digest) {
    problems.push(`${ARCHIVE_MANIFEST_PATH} lists no files or no manifestDigest`);
    return fail(versionId, digest);
  }
  const listed = manifest.files as ManifestEntry[];
  const recomputed = `sha256:${sha256Hex(canonicalManifest(listed))}`;
  if (recomputed !== digest) problems.push(`the file list hashes to ${recomputed}, not the manifestDigest ${digest}`);

  const byName = new Map(entries.map((e) => [e.name, e]));
  let verifiedFiles = 0;
  for (const file of listed) {
    const entry = byName.get(ARCHIVE_MODEL_ROOT + file.path);
    if (!entry) problems.push(`${file.path}: listed but missing`);
    else if (entry.size !== file.size) problems.push(`${file.path}: ${entry.size} bytes, listed as ${file.size}`);
    else if (entry.sha256 !== file.sha256) problems.push(`${file.path}: SHA-256 ${entry.sha256}, listed as ${file.sha256}`);
    else verifiedFiles++;
  }
  // model.sig is checked on its own (cli/signature-check.ts): it is not listed in the manifest it signs.
  const expected = new Set([ARCHIVE_MANIFEST_PATH, ARCHIVE_SIGNATURE_PATH, ...listed.map((f) => ARCHIVE_MODEL_ROOT + f.path)]);
  for (const entry of entries) {
    if (!expected.has(entry.name) && !entry.name.endsWith('/')) problems.push(`${entry.name}: in the archive but not in the manifest`);
  }
  return { ok: problems.length === 0, versionId, manifestDigest: digest, verifiedFiles, problems };
}
