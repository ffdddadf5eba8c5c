/**
 * A key that signs digests: Cloud KMS (EC_SIGN_P256_SHA256) in production, the KMS twin locally.
 * Version signatures (model-signing bundles) and audit-chain checkpoints both sign through it.
 */
export interface DigestSigner {
  /** Signs a SHA-256 digest; answers the DER-encoded ECDSA signature and the key version that made it. */
  signSha256(digest: Buffer): Promise<{ signature: Buffer; keyVersion: string }>;
  /** PEM public keys of every key version that may still verify, newest first. */
  publicKeys(): Promise<Array<{ keyVersion: string; pem: string }>>;
}
