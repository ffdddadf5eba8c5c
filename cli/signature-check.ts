import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ARCHIVE_MODEL_ROOT, ARCHIVE_SIGNATURE_PATH } from '../shared/domain/archive-manifest';
import type { ArchivedEntry } from '../shared/domain/archive-check';
import { compareWithStatement, type SignedLineage } from '../shared/domain/model-signing';
import { SignatureError, verifySignatureBundle } from '../shared/domain/signature-bundle';
import { configPath } from './config';

export interface SignatureCheck {
  ok: boolean;
  signed: boolean;
  keyHint: string | null;
  lineage: SignedLineage | null;
  signedFiles: number;
  problems: string[];
}

/** Splits concatenated PEM blocks (GET /api/signing-key answers every key version's). */
export function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----\n?/g) ?? [];
}

/** Where `download` keeps the registry's signing keys for `verify` to use offline. */
export function cachedKeysPath(): string {
  return join(dirname(configPath()), 'signing-keys.pem');
}

export function readCachedKeys(): string[] {
  const path = cachedKeysPath();
  return existsSync(path) ? pemBlocks(readFileSync(path, 'utf8')) : [];
}

export function cacheKeys(pemText: string): void {
  const path = cachedKeysPath();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, pemText);
}

/**
 * model.sig against the keys (sigstore-js verification), then every file of the archive against
 * the signed statement, and the statement's manifest digest against manifest.json's.
 */
export function checkSignature(signatureText: string | null, entries: readonly ArchivedEntry[], manifestDigest: string | null, pems: readonly string[]): SignatureCheck {
  if (signatureText === null) {
    return { ok: false, signed: false, keyHint: null, lineage: null, signedFiles: 0, problems: [`no ${ARCHIVE_SIGNATURE_PATH}: the version was not signed when it was downloaded`] };
  }
  if (pems.length === 0) {
    return { ok: false, signed: true, keyHint: null, lineage: null, signedFiles: 0, problems: ['no signing key to verify with: pass --key FILE.pem, or download once while logged in (caches GET /api/signing-key)'] };
  }
  try {
    const { statement, keyHint } = verifySignatureBundle(JSON.parse(signatureText), pems);
    const files = entries.filter((e) => e.name.startsWith(ARCHIVE_MODEL_ROOT)).map((e) => ({ name: e.name.slice(ARCHIVE_MODEL_ROOT.length), sha256: e.sha256 }));
    const problems = compareWithStatement(statement, files);
    const { lineage } = statement.predicate;
    if (lineage?.manifestDigest !== manifestDigest) problems.push(`the signed manifest digest ${lineage?.manifestDigest} is not manifest.json's ${manifestDigest}`);
    return { ok: problems.length === 0, signed: true, keyHint, lineage: lineage ?? null, signedFiles: statement.predicate.resources.length, problems };
  } catch (error) {
    const problems = error instanceof SignatureError ? error.problems : [`${ARCHIVE_SIGNATURE_PATH} cannot be read: ${(error as Error).message}`];
    return { ok: false, signed: true, keyHint: null, lineage: null, signedFiles: 0, problems };
  }
}
