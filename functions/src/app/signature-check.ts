import type { SignatureFact } from '../../../shared/domain/promotion-policy';
import { verifySignatureBundle } from '../../../shared/domain/signature-bundle';
import type { VersionReader } from '../../../shared/ports';
import type { SignatureChecker } from './aliases';
import type { VersionSigning } from './version-signing';

/**
 * Verifies a version's stored bundle as an outside verifier would: the bundle's digest is the
 * one recorded on the version, the DSSE signature verifies with @sigstore/verify against the
 * registry's keys, and its statement names this version.
 */
export class VersionSignatureChecker implements SignatureChecker {
  constructor(private readonly signing: Pick<VersionSigning, 'bundle' | 'keys'>, private readonly versions: Pick<VersionReader, 'get'>) {}

  async check(versionId: string): Promise<SignatureFact> {
    try {
      const version = await this.versions.get(versionId);
      if (!version) return { verified: false, problem: `${versionId} does not exist` };
      if (version.signature?.state !== 'signed' || !version.signature.bundleDigest) {
        return { verified: false, problem: `${versionId} is not signed (signature ${version.signature?.state ?? 'none'})` };
      }
      const [{ json }, keys] = await Promise.all([this.signing.bundle(version), this.signing.keys()]);
      const { statement, keyHint } = verifySignatureBundle(json, keys.map((k) => k.pem));
      if (!statement.subject.some((s) => s.name === version.id)) return { verified: false, problem: `the signed statement is not about ${version.id}` };
      return { verified: true, bundleDigest: version.signature.bundleDigest, keyHint };
    } catch (error) {
      return { verified: false, problem: error instanceof Error ? error.message : String(error) };
    }
  }
}
