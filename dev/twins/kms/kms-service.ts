import { createHash, createPrivateKey } from 'node:crypto';
import { grpc } from 'google-gax';
import { p256 } from '@noble/curves/nist.js';
import type { protos } from '@google-cloud/kms';
import { crc32c } from '../../../shared/domain/crc32c';
import { RpcError, alreadyExists, failedPrecondition, invalidArgument, notFound } from '../vertex/errors';
import { timestamp } from '../vertex/time';
import type { ServiceHandlers } from '../vertex/types';
import type { CryptoKeyRecord, KeyStore, KeyVersionRecord } from './key-store';


const LOCATION = /^projects\/[^/]+\/locations\/[^/]+$/;
const ID = /^[a-zA-Z0-9_-]{1,63}$/;
/** What the twin can generate: the algorithm the registry signs with. */
const SUPPORTED_ALGORITHMS = new Set(['EC_SIGN_P256_SHA256']);

export interface KmsServiceOptions {
  now: () => Date;
}

/** KeyManagementService handlers: key rings, asymmetric-sign keys and their versions, GetPublicKey, AsymmetricSign. */
export function kmsService(store: KeyStore, opts: KmsServiceOptions): ServiceHandlers {
  const ring = (name: string | null | undefined) => {
    const found = store.keyRings.get(name ?? '');
    if (!found) throw notFound(`KeyRing ${name} not found.`);
    return found;
  };
  const key = (name: string | null | undefined) => {
    const found = store.cryptoKeys.get(name ?? '');
    if (!found) throw notFound(`CryptoKey ${name} not found.`);
    return found;
  };
  const version = (name: string | null | undefined) => {
    const found = store.findVersion(name ?? '');
    if (!found) throw notFound(`CryptoKeyVersion ${name} not found.`);
    return found;
  };
  const enabled = (name: string | null | undefined) => {
    const found = version(name);
    if (found.state !== 'ENABLED') throw failedPrecondition(`${found.name} is not enabled, current state is: ${found.state}.`);
    return found;
  };

  return {
    CreateKeyRing: (request: protos.google.cloud.kms.v1.ICreateKeyRingRequest) => {
      if (!LOCATION.test(request.parent ?? '')) throw invalidArgument(`Invalid parent: ${request.parent}`);
      if (!ID.test(request.keyRingId ?? '')) throw invalidArgument('key_ring_id must match [a-zA-Z0-9_-]{1,63}');
      const name = `${request.parent}/keyRings/${request.keyRingId}`;
      if (store.keyRings.has(name)) throw alreadyExists(`KeyRing ${name} already exists.`);
      const created = { name, createTime: opts.now().toISOString() };
      store.keyRings.set(name, created);
      store.changed();
      return keyRingMessage(created);
    },
    GetKeyRing: (request: protos.google.cloud.kms.v1.IGetKeyRingRequest) => keyRingMessage(ring(request.name)),
    CreateCryptoKey: (request: protos.google.cloud.kms.v1.ICreateCryptoKeyRequest) => {
      ring(request.parent);
      if (!ID.test(request.cryptoKeyId ?? '')) throw invalidArgument('crypto_key_id must match [a-zA-Z0-9_-]{1,63}');
      const name = `${request.parent}/cryptoKeys/${request.cryptoKeyId}`;
      if (store.cryptoKeys.has(name)) throw alreadyExists(`CryptoKey ${name} already exists.`);
      const purpose = String(request.cryptoKey?.purpose ?? '');
      const algorithm = String(request.cryptoKey?.versionTemplate?.algorithm ?? '');
      if (purpose !== 'ASYMMETRIC_SIGN') throw invalidArgument(`The twin makes ASYMMETRIC_SIGN keys only, not ${purpose || 'CRYPTO_KEY_PURPOSE_UNSPECIFIED'}.`);
      if (!SUPPORTED_ALGORITHMS.has(algorithm)) throw invalidArgument(`Algorithm ${algorithm || 'unspecified'} is not supported by the twin (EC_SIGN_P256_SHA256 is).`);
      const created: CryptoKeyRecord = { name, purpose, algorithm, createTime: opts.now().toISOString(), nextVersion: 1, versions: [] };
      if (!request.skipInitialVersionCreation) store.addVersion(created, opts.now());
      store.cryptoKeys.set(name, created);
      store.changed();
      return cryptoKeyMessage(created);
    },
    GetCryptoKey: (request: protos.google.cloud.kms.v1.IGetCryptoKeyRequest) => cryptoKeyMessage(key(request.name)),
    CreateCryptoKeyVersion: (request: protos.google.cloud.kms.v1.ICreateCryptoKeyVersionRequest) => {
      const parent = key(request.parent);
      const created = store.addVersion(parent, opts.now());
      store.changed();
      return versionMessage(created);
    },
    GetCryptoKeyVersion: (request: protos.google.cloud.kms.v1.IGetCryptoKeyVersionRequest) => versionMessage(version(request.name)),
    ListCryptoKeyVersions: (request: protos.google.cloud.kms.v1.IListCryptoKeyVersionsRequest) => {
      const versions = key(request.parent).versions.map(versionMessage);
      return { cryptoKeyVersions: versions, nextPageToken: '', totalSize: versions.length };
    },
    UpdateCryptoKeyVersion: (request: protos.google.cloud.kms.v1.IUpdateCryptoKeyVersionRequest) => {
      const found = version(request.cryptoKeyVersion?.name);
      const paths = request.updateMask?.paths ?? [];
      if (!paths.includes('state')) throw invalidArgument('update_mask must name state, the only field the twin updates.');
      const state = String(request.cryptoKeyVersion?.state ?? '');
      if (state !== 'ENABLED' && state !== 'DISABLED') throw invalidArgument(`state can be set to ENABLED or DISABLED, not ${state}.`);
      found.state = state;
      store.changed();
      return versionMessage(found);
    },
    GetPublicKey: (request: protos.google.cloud.kms.v1.IGetPublicKeyRequest) => {
      const found = enabled(request.name);
      return {
        pem: found.publicKeyPem, algorithm: found.algorithm, pemCrc32c: { value: String(crc32c(found.publicKeyPem)) },
        name: found.name, protectionLevel: 'SOFTWARE', publicKeyFormat: 'PEM',
      };
    },
    AsymmetricSign: (request: protos.google.cloud.kms.v1.IAsymmetricSignRequest) => {
      const found = enabled(request.name);
      const digest = digestToSign(found, request);
      const signature = signDigest(found, digest);
      return {
        signature, signatureCrc32c: { value: String(crc32c(signature)) },
        verifiedDigestCrc32c: request.digestCrc32c != null, verifiedDataCrc32c: request.dataCrc32c != null,
        name: found.name, protectionLevel: 'SOFTWARE',
      };
    },
  };
}

/** The SHA-256 digest to sign, with the checks KMS makes: one of digest or data, the right hash, the checksums. */
function digestToSign(version: KeyVersionRecord, request: protos.google.cloud.kms.v1.IAsymmetricSignRequest): Buffer {
  const data = request.data && request.data.length ? Buffer.from(request.data) : null;
  const sha256 = request.digest?.sha256 && request.digest.sha256.length ? Buffer.from(request.digest.sha256) : null;
  if (data && (sha256 || request.digest?.sha384?.length || request.digest?.sha512?.length)) throw invalidArgument('Only one of digest or data may be set.');
  if (data) {
    checkCrc('data_crc32c', 'data', data, request.dataCrc32c);
    return createHash('sha256').update(data).digest();
  }
  if (!sha256) throw invalidArgument(`The request digest must be SHA-256 for ${version.algorithm} (field digest.sha256).`);
  if (sha256.length !== 32) throw invalidArgument('The digest.sha256 field must be 32 bytes long.');
  checkCrc('digest_crc32c', 'digest', sha256, request.digestCrc32c);
  return sha256;
}

function checkCrc(field: string, over: string, bytes: Buffer, given: { value?: unknown } | null | undefined): void {
  if (given == null) return;
  if (BigInt(String(given.value ?? 0)) !== BigInt(crc32c(bytes))) {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `The checksum in field ${field} did not match the data in field ${over}.`);
  }
}

/** ECDSA P-256 over a digest the caller computed (node:crypto only signs messages it hashes itself), DER-encoded as KMS answers. */
function signDigest(version: KeyVersionRecord, digest: Buffer): Buffer {
  const secret = Buffer.from(createPrivateKey(version.privateKeyPem).export({ format: 'jwk' }).d!, 'base64url');
  return Buffer.from(p256.sign(digest, secret, { prehash: false, format: 'der' }));
}

const keyRingMessage = (ring: { name: string; createTime: string }) => ({ name: ring.name, createTime: timestamp(new Date(ring.createTime)) });

function versionMessage(version: KeyVersionRecord) {
  return {
    name: version.name, state: version.state, protectionLevel: 'SOFTWARE', algorithm: version.algorithm,
    createTime: timestamp(new Date(version.createTime)), generateTime: timestamp(new Date(version.createTime)),
  };
}

function cryptoKeyMessage(key: CryptoKeyRecord) {
  // Asymmetric keys have no primary version in KMS.
  return {
    name: key.name, purpose: key.purpose, createTime: timestamp(new Date(key.createTime)),
    versionTemplate: { protectionLevel: 'SOFTWARE', algorithm: key.algorithm },
  };
}
