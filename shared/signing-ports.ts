import type { VersionSignature } from './schemas/model-version';

/**
 * A key that signs digests: Cloud KMS (EC_SIGN_P256_SHA256) in production, the KMS twin locally.
 * Version signatures (model-signing bundles) and audit-chain checkpoints both sign through it.
 */
export interface DigestSigner {
  /** Signs a SHA-256 digest; answers the DER-encoded ECDSA signature and the key version that made it. */
  signSha256(digest: Buffer): Promise<{ signature: Buffer; keyVersion: string }>;
  /** PEM public keys of every key version that may still verify, newest first. */
  publicKeys(): Promise<Array<{ keyVersion: string; pem: string }>>;
  /** The PEM public key of one key version (immutable: callers may cache it). */
  publicKey(keyVersion: string): Promise<string>;
}

/** A key version that signed at least one version: what GET /api/signing-key serves. */
export interface SigningKeyRecord {
  keyVersion: string;
  /** SHA-256 (hex) of the normalized PEM: the bundles' key hint. */
  hint: string;
  pem: string;
  firstSignedAt: string;
}

export type SignatureClaim =
  | { outcome: 'claimed'; signature: VersionSignature }
  | { outcome: 'not_found' | 'signed' | 'in_progress' | 'unsigned' };

/** Where signature states and the signing keys used are kept (Firestore: the version's `signature` field, `signingKeys/{hint}`). */
export interface SignatureStore {
  /** Takes the right to sign: granted when failed, or pending past `leaseMs`. Counts the attempt. */
  claim(versionId: string, now: Date, leaseMs: number): Promise<SignatureClaim>;
  /** Updates only the version's `signature` field. */
  record(versionId: string, signature: VersionSignature): Promise<void>;
  /** Versions whose signature is due (`signature.nextRetryAt` ≤ now), most overdue first. */
  due(now: Date, limit: number): Promise<string[]>;
  /** Remembers a key version that signed (idempotent: the first time is kept). */
  rememberKey(key: SigningKeyRecord): Promise<void>;
  /** Every key version that signed, oldest first. */
  keys(): Promise<SigningKeyRecord[]>;
}
