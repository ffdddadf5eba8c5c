import { createHash, createPublicKey, verify } from 'node:crypto';
import { manifestObjectName, sortManifest, type ManifestEntry } from '../../../shared/domain/manifest';
import { modelSigningStatement, statementPayload } from '../../../shared/domain/model-signing';
import { bytesToSign, keyHint, normalizePem, signatureBundle, type SignatureBundleJson } from '../../../shared/domain/signature-bundle';
import { SIGNING_LEASE_MS, nextSigningRetryAt } from '../../../shared/domain/signature-retry-policy';
import { DomainError, NotFoundError } from '../../../shared/errors';
import type { Clock, VersionReader } from '../../../shared/ports';
import { UpstreamFailedError, isTransient, type ObjectStore } from '../../../shared/register-ports';
import type { ModelVersion, VersionSignature } from '../../../shared/schemas/model-version';
import type { DigestSigner, SignatureStore, SigningKeyRecord } from '../../../shared/signing-ports';
import type { Logger } from '../log';

/** Bundles carry every file's digest: a 100,000-file version makes one of about 15 MB. */
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

export function signatureObjectName(bundleDigest: string): string {
  const hex = bundleDigest.replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not a bundle digest: ${bundleDigest}`);
  return `signatures/sha256/${hex}.json`;
}

export interface VersionSigningDeps {
  signer: DigestSigner;
  store: SignatureStore;
  objects: Pick<ObjectStore, 'readJson' | 'writeIfAbsent'>;
  versions: Pick<VersionReader, 'get'>;
  registryBucket: string;
  clock: Clock;
  log: Logger;
}

export interface SigningSweepReport {
  due: number;
  signed: number;
  failed: number;
  /** Signed or taken by another attempt meanwhile. */
  skipped: number;
}

/**
 * Signs versions (model-signing v1.0 statement in a Sigstore bundle, signed by KMS), stores each
 * bundle write-once in the registry bucket under its digest, and records the outcome on the
 * version's `signature` field only. Like the Vertex AI mirror, a failure never undoes the
 * registration: it is recorded (`failed`, the error, when the minute job tries again).
 */
export class VersionSigning {
  constructor(private readonly deps: VersionSigningDeps) {}

  /** Right after a registration's commit. Never throws: the outcome is on the version. */
  async sign(version: ModelVersion): Promise<VersionSignature> {
    const previous = version.signature ?? { state: 'pending', keyVersion: null, keyHint: null, signedAt: null, bundleDigest: null, error: null, attempts: 0, updatedAt: null, nextRetryAt: null };
    const attempts = previous.attempts + 1;
    let outcome: VersionSignature;
    try {
      const signed = await this.signOnce(version);
      outcome = { ...previous, ...signed, state: 'signed', error: null, attempts, updatedAt: signed.signedAt, nextRetryAt: null };
      this.deps.log.info('version signed', { versionId: version.id, keyVersion: signed.keyVersion, bundleDigest: signed.bundleDigest });
    } catch (error) {
      const now = this.deps.clock.now();
      const message = error instanceof Error ? error.message : String(error);
      outcome = { ...previous, state: 'failed', error: message, attempts, updatedAt: now.toISOString(), nextRetryAt: nextSigningRetryAt(now, attempts, isTransient(error)) };
      this.deps.log.warn('signing failed; the version is registered and its signature will be retried', { versionId: version.id, error: message, attempts, nextRetryAt: outcome.nextRetryAt });
    }
    try {
      await this.deps.store.record(version.id, outcome);
    } catch (error) {
      // The version keeps `pending` with its lease: the minute job signs it once the lease is past.
      this.deps.log.error('could not record a signature outcome', { versionId: version.id, state: outcome.state, error });
    }
    return outcome;
  }

  /** The minute job's part: signs the versions whose signature is due (failed transiently, or pending past the lease). */
  async retryDue(limit: number): Promise<SigningSweepReport> {
    const due = await this.deps.store.due(this.deps.clock.now(), limit);
    const report: SigningSweepReport = { due: due.length, signed: 0, failed: 0, skipped: 0 };
    for (const versionId of due) {
      const claim = await this.deps.store.claim(versionId, this.deps.clock.now(), SIGNING_LEASE_MS);
      const version = claim.outcome === 'claimed' ? await this.deps.versions.get(versionId) : null;
      if (!version || claim.outcome !== 'claimed') {
        report.skipped++;
        continue;
      }
      const outcome = await this.sign({ ...version, signature: claim.signature });
      if (outcome.state === 'signed') report.signed++;
      else report.failed++;
    }
    return report;
  }

  /** The stored bundle of a signed version (GET /api/models/{id}/signature, model.sig in the ZIP), checked against its digest. */
  async bundle(version: ModelVersion): Promise<{ json: SignatureBundleJson; bytes: Buffer }> {
    const signature = version.signature;
    if (signature?.state !== 'signed' || !signature.bundleDigest) {
      throw new DomainError('NOT_FOUND', `Version '${version.id}' is not signed${signature ? ` yet (signature ${signature.state})` : ''}`, { versionId: version.id, state: signature?.state ?? null });
    }
    const json = await this.deps.objects.readJson({ bucket: this.deps.registryBucket, name: signatureObjectName(signature.bundleDigest) }, MAX_BUNDLE_BYTES);
    if (json === null) throw new DomainError('INTEGRITY_FAILED', `The signature bundle of ${version.id} is missing from the registry bucket`, { versionId: version.id });
    const bytes = Buffer.from(JSON.stringify(json), 'utf8');
    if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` !== signature.bundleDigest) {
      throw new DomainError('INTEGRITY_FAILED', `The signature bundle of ${version.id} does not match its digest`, { versionId: version.id });
    }
    return { json: json as SignatureBundleJson, bytes };
  }

  async bundleOf(versionId: string): Promise<{ json: SignatureBundleJson; bytes: Buffer }> {
    const version = await this.deps.versions.get(versionId);
    if (!version) throw new NotFoundError('Model version', versionId);
    return this.bundle(version);
  }

  /** Every key version that signed something (rotation keeps old versions verifiable). */
  keys(): Promise<SigningKeyRecord[]> {
    return this.deps.store.keys();
  }

  private async signOnce(version: ModelVersion): Promise<Pick<VersionSignature, 'keyVersion' | 'keyHint' | 'signedAt' | 'bundleDigest'>> {
    const digest = version.artifacts.manifestDigest;
    if (!digest) throw new UpstreamFailedError('registry', `${version.id} has no stored manifest to sign`);
    const entries = await this.deps.objects.readJson({ bucket: this.deps.registryBucket, name: manifestObjectName(digest) }, MAX_MANIFEST_BYTES);
    if (!Array.isArray(entries)) throw new UpstreamFailedError('registry', `the manifest of ${version.id} is missing or not a list`);
    const payload = statementPayload(modelSigningStatement(version, digest, sortManifest(entries as ManifestEntry[])));
    const toSign = bytesToSign(payload);
    const { signature, keyVersion } = await this.deps.signer.signSha256(createHash('sha256').update(toSign).digest());
    const pem = normalizePem(await this.deps.signer.publicKey(keyVersion));
    // Never store a bundle that would not verify (a wrong key version, a corrupted answer).
    if (!verify('sha256', toSign, createPublicKey(pem), signature)) throw new UpstreamFailedError('Cloud KMS', `the signature from ${keyVersion} does not verify with its public key`);
    const bytes = Buffer.from(JSON.stringify(signatureBundle(payload, signature, pem)), 'utf8');
    const bundleDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await this.deps.objects.writeIfAbsent({ bucket: this.deps.registryBucket, name: signatureObjectName(bundleDigest) }, bytes, 'application/json');
    const signedAt = this.deps.clock.now().toISOString();
    const hint = keyHint(pem);
    await this.deps.store.rememberKey({ keyVersion, hint, pem, firstSignedAt: signedAt });
    return { keyVersion, keyHint: hint, signedAt, bundleDigest };
  }
}
