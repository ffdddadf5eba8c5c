/**
 * Content-addressed storage (seed 003): each file of a version is stored once, under its SHA-256,
 * in the registry bucket; a version is its manifest (path → blob), identified by the manifest's own
 * digest. Identical files across versions share one blob.
 */
export interface ManifestEntry {
  /** Path inside the version directory (`variables/variables.index`). */
  path: string;
  size: number;
  /** Lowercase hex SHA-256 of the bytes. */
  sha256: string;
  contentType: string | null;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function blobObjectName(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
  return `blobs/sha256/${sha256}`;
}

/** Where a manifest is kept, by its digest (`sha256:<hex>`). */
export function manifestObjectName(digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  if (!SHA256_HEX.test(hex)) throw new Error(`not a manifest digest: ${digest}`);
  return `manifests/sha256/${hex}.json`;
}

/** Entries sorted by path (code-unit order, as every language sorts strings the same way). */
export function sortManifest(entries: readonly ManifestEntry[]): ManifestEntry[] {
  return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The canonical form the digest is taken over: entries sorted by path, keys in a fixed order, no
 * whitespace. The same files always give the same bytes, whatever order they were listed in.
 */
export function canonicalManifest(entries: readonly ManifestEntry[]): string {
  return JSON.stringify(
    sortManifest(entries).map(({ path, size, sha256, contentType }) => ({ path, size, sha256, contentType })),
  );
}
