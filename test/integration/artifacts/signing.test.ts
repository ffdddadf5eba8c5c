import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { Storage } from '@google-cloud/storage';
import { main } from '../../../cli/main';
import { EXIT } from '../../../cli/session';
import { checkSignature, pemBlocks } from '../../../cli/signature-check';
import { checkZipFile } from '../../../cli/zip-check';
import { demoModelFiles } from '../../../dev/demo/demo-model';
import { startStack, type Stack } from '../../../dev/stack';
import { kmsClientOptions } from '../../../dev/twins/kms';
import { buildOutboxDrainer } from '../../../functions/src/functions/outbox-drainer';
import { parseRegistryWritesConfig } from '../../../functions/src/registry-config';
import { verifySignatureBundle } from '../../../shared/domain/signature-bundle';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { QUICK_REDELIVERY } from '../../support/event-delivery';

describe('signed provenance: model-signing bundles from registration to offline verification', function () {
  this.timeout(120_000);
  let stack: Stack;
  let savedHost: string | undefined;
  let viewer: string;
  const dir = mkdtempSync(join(tmpdir(), 'signing-'));

  const get = async (path: string) => fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${viewer}` } });
  const version = async (id: string) => (await (await get(`/api/models/${id}`)).json()) as ModelVersion;
  const until = async <T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, ms = 30_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read().catch(() => undefined as T);
      if (value !== undefined && done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  /** A pipeline's push into the GCS twin: metrics.json, then the SavedModel files. */
  const push = async (family: string, run: string, seed: number) => {
    const bucket = new Storage({ apiEndpoint: stack.gcs.url, projectId: stack.projectId }).bucket(stack.pushesBucket);
    await bucket.file(`${run}/metrics.json`).save(JSON.stringify({ family, model_type: 'retrieval', metrics: { recall_at_100: 0.8 } }), { resumable: false });
    for (const file of demoModelFiles(seed)) await bucket.file(`${run}/pushed_model/1/${file.path}`).save(file.bytes, { resumable: false });
  };
  const download = async (id: string, name: string) => {
    const answer = await get(`/api/models/${id}/download`);
    assert.equal(answer.status, 200);
    const file = join(dir, name);
    writeFileSync(file, Buffer.from(await answer.arrayBuffer()));
    return file;
  };
  const signingKeys = async () => {
    const answer = await get('/api/signing-key');
    assert.equal(answer.headers.get('content-type'), 'application/x-pem-file');
    return answer.text();
  };
  /** `npx model-registry verify FILE --key K` in-process: its exit code. */
  const cliVerify = async (zip: string, pem: string) => {
    const keyFile = join(dir, `key-${Math.random().toString(36).slice(2)}.pem`);
    writeFileSync(keyFile, pem);
    const [out, err] = [process.stdout.write, process.stderr.write];
    process.stdout.write = process.stderr.write = (() => true) as typeof process.stdout.write;
    try {
      return await main(['--json', 'verify', zip, '--key', keyFile]);
    } finally {
      [process.stdout.write, process.stderr.write] = [out, err];
    }
  };

  before(async () => {
    savedHost = process.env.FIRESTORE_EMULATOR_HOST;
    stack = await startStack({ port: 0, dataDir: null, demo: false, buildDashboard: false, eventDelivery: QUICK_REDELIVERY });
    viewer = await stack.token('viewer');
  });
  after(async () => {
    await stack?.stop();
    if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs a pushed version; its ZIP verifies offline with @sigstore/verify against GET /api/signing-key, and one changed byte fails', async () => {
    await push('signed-recs', 'tr-1-20261201000000', 3);
    const signed = await until(() => version('signed-recs-v1'), (v) => v.signature?.state === 'signed', 'the signature');
    assert.match(signed.signature!.keyVersion!, /\/cryptoKeys\/model-signing\/cryptoKeyVersions\/1$/);
    assert.match(signed.signature!.bundleDigest!, /^sha256:[0-9a-f]{64}$/);

    const pems = pemBlocks(await signingKeys());
    assert.equal(pems.length, 1);
    const zip = await download('signed-recs-v1', 'signed.zip');
    const check = await checkZipFile(zip);
    assert.equal(check.ok, true, check.problems.join('; '));
    // model.sig is the bundle GET /api/models/{id}/signature serves, byte for byte.
    const served = await (await get('/api/models/signed-recs-v1/signature')).text();
    assert.equal(check.signatureText, served);
    const { statement, keyHint } = verifySignatureBundle(JSON.parse(check.signatureText!), pems);
    assert.equal(keyHint, signed.signature!.keyHint);
    assert.equal(statement.subject[0]!.name, 'signed-recs-v1');
    assert.deepEqual(statement.predicate.resources.map((r) => r.name), ['saved_model.pb', 'variables/variables.data-00000-of-00001', 'variables/variables.index']);
    assert.equal(statement.predicate.lineage.trainingRunId, signed.trainingRunId);
    assert.deepEqual(statement.predicate.lineage.metrics, { recall_at_100: 0.8 });
    assert.deepEqual(checkSignature(check.signatureText, check.entries, check.manifestDigest, pems).problems, []);
    assert.equal(await cliVerify(zip, pems[0]!), EXIT.ok);
    // The same signed version always downloads to the same bytes.
    assert.deepEqual(readFileSync(await download('signed-recs-v1', 'again.zip')), readFileSync(zip));

    const bytes = readFileSync(zip);
    const inFile = Buffer.from(bytes);
    const at = inFile.indexOf(Buffer.from('model/variables/variables.data-00000-of-00001')) + 200;
    inFile[at] = inFile[at]! ^ 0xff;
    writeFileSync(join(dir, 'file-byte.zip'), inFile);
    assert.equal(await cliVerify(join(dir, 'file-byte.zip'), pems[0]!), EXIT.integrity);

    const inBundle = Buffer.from(bytes);
    const sigAt = inBundle.indexOf(Buffer.from('"sig":"')) + 12;
    inBundle[sigAt] = inBundle[sigAt] === 0x41 ? 0x42 : 0x41; // another base64 letter: the signature changes
    writeFileSync(join(dir, 'bundle-byte.zip'), inBundle);
    assert.equal(await cliVerify(join(dir, 'bundle-byte.zip'), pems[0]!), EXIT.integrity);
    const tampered = await checkZipFile(join(dir, 'bundle-byte.zip')).catch(() => null);
    if (tampered) assert.match(checkSignature(tampered.signatureText, tampered.entries, tampered.manifestDigest, pems).problems.join(), /does not verify|cannot be read/);
  });

  it('a KMS failure leaves the version registered with its signature failed; the minute job signs it once KMS is back', async () => {
    stack.kms.faults.set({ failMethod: { method: 'AsymmetricSign', code: 8, message: 'Quota exceeded for AsymmetricSign' } });
    await push('unsigned-recs', 'tr-2-20261201000000', 4);
    const failed = await until(() => version('unsigned-recs-v1'), (v) => v.signature?.state === 'failed', 'the failed signature');
    assert.match(failed.signature!.error!, /Quota exceeded/);
    assert.ok(failed.signature!.nextRetryAt, 'a transient failure is retried by itself');
    assert.equal((await get('/api/models/unsigned-recs-v1/signature')).status, 404);
    const unsigned = await checkZipFile(await download('unsigned-recs-v1', 'unsigned.zip'));
    assert.equal(unsigned.ok, true);
    assert.equal(unsigned.signatureText, null);

    stack.kms.faults.clear();
    // The minute job as Cloud Scheduler would run it once the retry is due.
    const env = {
      GOOGLE_CLOUD_PROJECT: stack.projectId, LOG_LEVEL: 'ERROR', REGISTRY_BUCKET: stack.registryBucket, STORAGE_API_ENDPOINT: stack.gcs.url,
      VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: String(stack.vertex.port), PUBSUB_API_ENDPOINT: stack.pubsub.host,
      SIGNING_KEY: stack.signingKey, KMS_API_ENDPOINT: '127.0.0.1', KMS_API_PORT: String(stack.kms.port),
    };
    const later = new Date(Date.parse(failed.signature!.nextRetryAt!) + 1000);
    const job = buildOutboxDrainer(parseRegistryWritesConfig(env), { clock: { now: () => later } });
    try {
      const { report } = await job.run();
      assert.deepEqual(report.signatures, { due: 1, signed: 1, failed: 0, skipped: 0 });
    } finally {
      await job.close();
    }
    const retried = await version('unsigned-recs-v1');
    assert.equal(retried.signature?.state, 'signed');
    assert.equal(retried.signature?.attempts, 2);
    assert.equal(await cliVerify(await download('unsigned-recs-v1', 'retried.zip'), await signingKeys()), EXIT.ok);
  });

  it('rotation: a new key version signs new versions, and versions signed by the old one stay verifiable', async () => {
    const oldZip = await download('signed-recs-v1', 'old.zip');
    const kms = new KeyManagementServiceClient(kmsClientOptions(stack.kms.port));
    try {
      const [created] = await kms.createCryptoKeyVersion({ parent: stack.signingKey, cryptoKeyVersion: {} });
      // The old version can no longer sign (nor serve its key from KMS): the registry kept its PEM.
      await kms.updateCryptoKeyVersion({ cryptoKeyVersion: { name: `${stack.signingKey}/cryptoKeyVersions/1`, state: 'DISABLED' }, updateMask: { paths: ['state'] } });
      await push('rotated-recs', 'tr-3-20261201000000', 5);
      const rotated = await until(() => version('rotated-recs-v1'), (v) => v.signature?.state === 'signed', 'the signature by the new key');
      assert.equal(rotated.signature!.keyVersion, created.name);
    } finally {
      await kms.close();
    }
    const pems = pemBlocks(await signingKeys());
    assert.equal(pems.length, 2);
    const listed = (await (await get('/api/signing-keys')).json()) as { keys: Array<{ keyVersion: string }> };
    assert.deepEqual(listed.keys.map((k) => k.keyVersion.split('/').pop()), ['1', '2']);
    const newZip = await download('rotated-recs-v1', 'new.zip');
    assert.equal(await cliVerify(oldZip, pems.join('')), EXIT.ok);
    assert.equal(await cliVerify(newZip, pems.join('')), EXIT.ok);
    // Each needs its own key: the new key alone does not verify the old version.
    assert.equal(await cliVerify(oldZip, pems[1]!), EXIT.integrity);
  });
});
