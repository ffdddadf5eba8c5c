import { createRequire } from 'node:module';
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { crc32c } from '../../../../shared/domain/crc32c';
import { UpstreamFailedError, UpstreamUnavailableError } from '../../../../shared/register-ports';
import type { DigestSigner } from '../../../../shared/signing-ports';
import { upstreamError } from '../grpc-status';
import type { SigningConfig } from '../../signing-config';

export type KmsClientProvider = () => Promise<KeyManagementServiceClient>;

/** The KMS client is built on first use (the promise cached): requests that never sign do not pay for it. */
export function lazyKmsClient(config: SigningConfig): KmsClientProvider {
  let client: Promise<KeyManagementServiceClient> | undefined;
  return () =>
    (client ??= import('@google-cloud/kms').then(({ KeyManagementServiceClient }) => {
      if (!config.apiEndpoint) return new KeyManagementServiceClient();
      // Plaintext to a loopback twin, with credentials from the grpc copy the client itself loads.
      const gax = createRequire(require.resolve('@google-cloud/kms'))('google-gax') as typeof import('google-gax');
      return new KeyManagementServiceClient({
        apiEndpoint: config.apiEndpoint, ...(config.port ? { port: config.port } : {}), sslCreds: gax.grpc.credentials.createInsecure(),
      });
    }));
}

const SERVICE = 'Cloud KMS';

/**
 * Signs with Cloud KMS: AsymmetricSign over a SHA-256 digest (EC_SIGN_P256_SHA256), with the
 * integrity fields KMS documents checked both ways (digest_crc32c sent, verified_digest_crc32c,
 * the answering key name and signature_crc32c checked; pem_crc32c on public keys).
 */
export class KmsDigestSigner implements DigestSigner {
  private readonly pems = new Map<string, Promise<string>>();

  constructor(private readonly client: KmsClientProvider, private readonly keyName: string) {}

  async signSha256(digest: Buffer): Promise<{ signature: Buffer; keyVersion: string }> {
    const name = await this.signingVersion();
    const [response] = await this.call(async (kms) => kms.asymmetricSign({ name, digest: { sha256: digest }, digestCrc32c: { value: crc32c(digest) } }));
    const signature = Buffer.from(response.signature as Uint8Array);
    if (!response.verifiedDigestCrc32c || response.name !== name || Number(response.signatureCrc32c?.value) !== crc32c(signature)) {
      // Corrupted in transit one way or the other: a retry may well succeed.
      throw new UpstreamUnavailableError(SERVICE, `AsymmetricSign response for ${name} failed its integrity checks`);
    }
    return { signature, keyVersion: name };
  }

  publicKey(keyVersion: string): Promise<string> {
    let pem = this.pems.get(keyVersion);
    if (!pem) {
      pem = this.fetchPublicKey(keyVersion);
      this.pems.set(keyVersion, pem);
      pem.catch(() => this.pems.delete(keyVersion));
    }
    return pem;
  }

  async publicKeys(): Promise<Array<{ keyVersion: string; pem: string }>> {
    const names = isVersionName(this.keyName) ? [this.keyName] : (await this.versions()).filter((v) => v.state !== 'DESTROYED').map((v) => v.name).reverse();
    return Promise.all(names.map(async (keyVersion) => ({ keyVersion, pem: await this.publicKey(keyVersion) })));
  }

  private async fetchPublicKey(name: string): Promise<string> {
    const [key] = await this.call(async (kms) => kms.getPublicKey({ name }));
    if (!key.pem || key.name !== name || Number(key.pemCrc32c?.value) !== crc32c(key.pem)) {
      throw new UpstreamUnavailableError(SERVICE, `GetPublicKey response for ${name} failed its integrity checks`);
    }
    if (key.algorithm !== 'EC_SIGN_P256_SHA256') throw new UpstreamFailedError(SERVICE, `${name} is ${String(key.algorithm)}, not EC_SIGN_P256_SHA256`);
    return key.pem;
  }

  /**
   * The pinned version, or the newest enabled version of the key (rotation without a redeploy).
   * Listed at every signature, not cached: versions are registered a few times an hour at most.
   */
  private async signingVersion(): Promise<string> {
    if (isVersionName(this.keyName)) return this.keyName;
    const enabled = (await this.versions()).filter((v) => v.state === 'ENABLED');
    const newest = enabled.sort((a, b) => versionNumber(b.name) - versionNumber(a.name))[0];
    if (!newest) throw new UpstreamFailedError(SERVICE, `${this.keyName} has no enabled version to sign with`);
    return newest.name;
  }

  private async versions(): Promise<Array<{ name: string; state: string }>> {
    const [versions] = await this.call(async (kms) => kms.listCryptoKeyVersions({ parent: this.keyName }));
    return versions.map((v) => ({ name: v.name ?? '', state: String(v.state ?? '') }));
  }

  private async call<T>(fn: (kms: KeyManagementServiceClient) => Promise<T>): Promise<T> {
    const kms = await this.client();
    try {
      return await fn(kms);
    } catch (error) {
      throw upstreamError(SERVICE, error);
    }
  }
}

const isVersionName = (name: string) => /\/cryptoKeyVersions\/[0-9]+$/.test(name);
const versionNumber = (name: string) => Number(/\/cryptoKeyVersions\/([0-9]+)$/.exec(name)?.[1] ?? 0);
