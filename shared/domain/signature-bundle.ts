import { createHash, createPublicKey } from 'node:crypto';
import { bundleFromJSON, bundleToJSON, toDSSEBundle, type SerializedBundle } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { Verifier, toSignedEntity, type TrustMaterial } from '@sigstore/verify';
import { DomainError } from '../errors';
import { IN_TOTO_PAYLOAD_TYPE, readStatement, type ModelSigningStatement } from './model-signing';

/**
 * A version's signature as a Sigstore bundle (media type v0.3): the statement in a DSSE envelope,
 * signed with a key (no certificate, no transparency log), named by `verificationMaterial.publicKey.hint`.
 * The hint is what model-signing's key verifier expects: SHA-256 (hex) of the public key's SPKI PEM.
 */
export type SignatureBundleJson = SerializedBundle;

export class SignatureError extends DomainError {
  constructor(message: string, readonly problems: string[] = [message]) {
    super('INTEGRITY_FAILED', message, { problems });
  }
}

/** The SPKI PEM as OpenSSL writes it (64-character lines, trailing newline), whatever form KMS or a file gave. */
export function normalizePem(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}

export function keyHint(pem: string): string {
  return createHash('sha256').update(normalizePem(pem), 'utf8').digest('hex');
}

/** The bytes a DSSE signature is made over (PAE of the in-toto payload type and the payload). */
export function bytesToSign(payload: Buffer): Buffer {
  return dsse.preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload);
}

/** Wraps a payload and its DER ECDSA signature (over `bytesToSign(payload)`) in a bundle. */
export function signatureBundle(payload: Buffer, signature: Buffer, publicKeyPem: string): SignatureBundleJson {
  return bundleToJSON(toDSSEBundle({ artifact: payload, artifactType: IN_TOTO_PAYLOAD_TYPE, signature, keyHint: keyHint(publicKeyPem) }));
}

export interface VerifiedSignature {
  statement: ModelSigningStatement;
  keyHint: string;
}

/**
 * Verifies a bundle with sigstore-js against the given public keys (any of them may have signed:
 * rotation keeps old versions verifiable), then reads the statement it carries.
 */
export function verifySignatureBundle(json: unknown, publicKeyPems: readonly string[]): VerifiedSignature {
  let entity: ReturnType<typeof toSignedEntity>;
  let hint: string;
  try {
    const bundle = bundleFromJSON(json);
    if (bundle.content.$case !== 'dsseEnvelope' || bundle.verificationMaterial.content.$case !== 'publicKey') {
      throw new SignatureError('the bundle is not a DSSE envelope signed with a public key');
    }
    if (bundle.content.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new SignatureError(`the envelope's payload type is ${bundle.content.dsseEnvelope.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`);
    hint = bundle.verificationMaterial.content.publicKey.hint;
    entity = toSignedEntity(bundle);
  } catch (error) {
    if (error instanceof SignatureError) throw error;
    throw new SignatureError(`not a Sigstore bundle: ${(error as Error).message}`);
  }
  const keys = new Map(publicKeyPems.map((pem) => [keyHint(pem), createPublicKey(pem)]));
  const trust: TrustMaterial = {
    certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [],
    publicKey: (wanted) => {
      const key = keys.get(wanted);
      if (!key) throw new SignatureError(`signed with key ${wanted}, which is not among the ${keys.size} trusted key(s)`);
      return { publicKey: key, validFor: () => true };
    },
  };
  try {
    // A key-signed bundle has no log entry or timestamp to require.
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
  } catch (error) {
    if (error instanceof SignatureError) throw error;
    throw new SignatureError(`the signature does not verify: ${(error as Error).message}`);
  }
  const envelope = bundleFromJSON(json).content;
  const payload = envelope.$case === 'dsseEnvelope' ? envelope.dsseEnvelope.payload : Buffer.alloc(0);
  const { statement, problems } = readStatement(payload);
  if (!statement) throw new SignatureError(problems[0]!, problems);
  return { statement, keyHint: hint };
}
