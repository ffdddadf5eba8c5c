import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { crc32c } from '../../../shared/domain/crc32c';
import { kmsClientOptions, startKmsTwin, type KmsTwin } from '../../../dev/twins/kms';

const LOCATION = 'projects/demo-registry/locations/europe-central2';
const KEY = `${LOCATION}/keyRings/registry/cryptoKeys/model-signing`;

async function failure(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: number; details: string };
  }
  throw new assert.AssertionError({ message: 'expected the call to fail' });
}

describe('KMS twin, driven by the unmodified @google-cloud/kms client', () => {
  let dir: string;
  let twin: KmsTwin;
  let client: KeyManagementServiceClient;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kms-twin-'));
    twin = await startKmsTwin({ stateFile: join(dir, 'kms.json'), signingKeys: [KEY] });
    client = new KeyManagementServiceClient(kmsClientOptions(twin.port));
  });
  afterEach(async () => {
    await client.close();
    await twin.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs a SHA-256 digest with an EC P-256 key whose public PEM verifies it, checksums included', async () => {
    const name = `${KEY}/cryptoKeyVersions/1`;
    const message = Buffer.from('the bytes a DSSE PAE would be');
    const digest = createHash('sha256').update(message).digest();
    const [signed] = await client.asymmetricSign({ name, digest: { sha256: digest }, digestCrc32c: { value: crc32c(digest) } });
    assert.equal(signed.verifiedDigestCrc32c, true);
    assert.equal(signed.name, name);
    const signature = Buffer.from(signed.signature as Uint8Array);
    assert.equal(Number(signed.signatureCrc32c?.value), crc32c(signature));

    const [publicKey] = await client.getPublicKey({ name });
    assert.equal(publicKey.algorithm, 'EC_SIGN_P256_SHA256');
    assert.equal(Number(publicKey.pemCrc32c?.value), crc32c(publicKey.pem!));
    assert.equal(verify('sha256', message, createPublicKey(publicKey.pem!), signature), true);
    assert.equal(verify('sha256', Buffer.from('other bytes'), createPublicKey(publicKey.pem!), signature), false);
  });

  it('refuses a digest whose crc32c does not match, a digest of the wrong size and a disabled version', async () => {
    const name = `${KEY}/cryptoKeyVersions/1`;
    const digest = createHash('sha256').update('x').digest();
    const badCrc = await failure(client.asymmetricSign({ name, digest: { sha256: digest }, digestCrc32c: { value: crc32c(digest) ^ 1 } }));
    assert.equal(badCrc.code, 3);
    assert.match(badCrc.details, /digest_crc32c did not match/);
    assert.equal((await failure(client.asymmetricSign({ name, digest: { sha256: digest.subarray(0, 20) } }))).code, 3);
    assert.equal((await failure(client.asymmetricSign({ name: `${KEY}/cryptoKeyVersions/9`, digest: { sha256: digest } }))).code, 5);
    await client.updateCryptoKeyVersion({ cryptoKeyVersion: { name, state: 'DISABLED' }, updateMask: { paths: ['state'] } });
    assert.equal((await failure(client.asymmetricSign({ name, digest: { sha256: digest } }))).code, 9);
  });

  it('rotates: a new version has its own key, both are listed, and a restart keeps them', async () => {
    const [created] = await client.createCryptoKeyVersion({ parent: KEY, cryptoKeyVersion: {} });
    assert.equal(created.name, `${KEY}/cryptoKeyVersions/2`);
    assert.equal(created.state, 'ENABLED');
    const [versions] = await client.listCryptoKeyVersions({ parent: KEY });
    assert.deepEqual(versions.map((v) => v.name), [`${KEY}/cryptoKeyVersions/1`, `${KEY}/cryptoKeyVersions/2`]);
    const pems = await Promise.all(versions.map(async (v) => (await client.getPublicKey({ name: v.name! }))[0].pem));
    assert.notEqual(pems[0], pems[1]);

    await client.close();
    await twin.stop();
    twin = await startKmsTwin({ stateFile: join(dir, 'kms.json'), signingKeys: [KEY] });
    client = new KeyManagementServiceClient(kmsClientOptions(twin.port));
    const [again] = await client.getPublicKey({ name: `${KEY}/cryptoKeyVersions/2` });
    assert.equal(again.pem, pems[1]);
    const [version] = await client.getCryptoKeyVersion({ name: `${KEY}/cryptoKeyVersions/1` });
    assert.equal(version.algorithm, 'EC_SIGN_P256_SHA256');
  });

  it('creates key rings and keys, refusing duplicates and algorithms it cannot make', async () => {
    await client.createKeyRing({ parent: LOCATION, keyRingId: 'other', keyRing: {} });
    const [key] = await client.createCryptoKey({
      parent: `${LOCATION}/keyRings/other`, cryptoKeyId: 'k',
      cryptoKey: { purpose: 'ASYMMETRIC_SIGN', versionTemplate: { algorithm: 'EC_SIGN_P256_SHA256' } },
    });
    assert.equal(key.name, `${LOCATION}/keyRings/other/cryptoKeys/k`);
    assert.equal((await failure(client.createKeyRing({ parent: LOCATION, keyRingId: 'other', keyRing: {} }))).code, 6);
    const rsa = await failure(client.createCryptoKey({
      parent: `${LOCATION}/keyRings/other`, cryptoKeyId: 'r',
      cryptoKey: { purpose: 'ASYMMETRIC_SIGN', versionTemplate: { algorithm: 'RSA_SIGN_PSS_2048_SHA256' } },
    }));
    assert.equal(rsa.code, 3);
  });

  it('answers the fault switch: AsymmetricSign UNAVAILABLE once, then signs', async () => {
    twin.faults.set({ failMethod: { method: 'AsymmetricSign', code: 14, message: 'KMS is down', times: 1 } });
    const digest = createHash('sha256').update('y').digest();
    const name = `${KEY}/cryptoKeyVersions/1`;
    assert.equal((await failure(client.asymmetricSign({ name, digest: { sha256: digest } }, { retry: { retryCodes: [] } as never }))).code, 14);
    const [signed] = await client.asymmetricSign({ name, digest: { sha256: digest } });
    assert.ok(Buffer.from(signed.signature as Uint8Array).length > 60);
  });
});
