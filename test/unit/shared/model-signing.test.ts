import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { ManifestEntry } from '../../../shared/domain/manifest';
import {
  MODEL_SIGNING_PREDICATE_TYPE, canonicalJson, compareWithStatement, modelSigningStatement, readStatement, rootDigest, statementPayload,
} from '../../../shared/domain/model-signing';
import { bytesToSign, keyHint, normalizePem, signatureBundle, verifySignatureBundle } from '../../../shared/domain/signature-bundle';
import { makeVersion } from '../../support/fixtures';

const hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const entry = (path: string, body: string): ManifestEntry => ({ path, size: body.length, sha256: hex(body), contentType: null });
const ENTRIES = [entry('variables/variables.index', 'idx'), entry('saved_model.pb', 'graph'), entry('variables/variables.data-00000-of-00001', 'w')];
const VERSION = makeVersion({
  familyId: 'recs-prod', version: 3, metrics: { recall_at_10: 0.41, ndcg: 0.3 }, blessed: true, trainingRunId: 'TR-7',
  config: { dataset: { id: 'ds-1', name: 'clicks-2026-11', summary: '' }, featureConfig: null, modelConfig: { id: 'm', name: 'two-tower', summary: '' }, trainingParams: { epochs: 3 } },
});
const DIGEST = `sha256:${'a'.repeat(64)}`;

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

function signedBundle(statement = modelSigningStatement(VERSION, DIGEST, ENTRIES), key = keyPair()) {
  const payload = statementPayload(statement);
  // What KMS does: ECDSA over SHA-256 of the PAE bytes.
  const signature = sign('sha256', bytesToSign(payload), key.privateKey);
  return { bundle: signatureBundle(payload, signature, key.pem), key, statement };
}

describe('model-signing v1.0 statement', () => {
  it('lists the files sorted by name as sha256 resources, with the root digest over their raw digests as subject', () => {
    const statement = modelSigningStatement(VERSION, DIGEST, ENTRIES);
    assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
    assert.equal(statement.predicateType, MODEL_SIGNING_PREDICATE_TYPE);
    assert.deepEqual(statement.predicate.resources.map((r) => r.name), ['saved_model.pb', 'variables/variables.data-00000-of-00001', 'variables/variables.index']);
    assert.deepEqual(statement.predicate.serialization, { method: 'files', hash_type: 'sha256', allow_symlinks: false });
    const expectedRoot = createHash('sha256').update(Buffer.concat([hex('graph'), hex('w'), hex('idx')].map((h) => Buffer.from(h, 'hex')))).digest('hex');
    assert.deepEqual(statement.subject, [{ name: 'recs-prod-v3', digest: { sha256: expectedRoot } }]);
  });

  it('carries the lineage: run, input digests, metrics sorted, blessing, manifest digest', () => {
    const { lineage } = modelSigningStatement(VERSION, DIGEST, ENTRIES).predicate;
    assert.equal(lineage.trainingRunId, 'TR-7');
    assert.equal(lineage.manifestDigest, DIGEST);
    assert.equal(lineage.blessed, true);
    assert.deepEqual(Object.keys(lineage.metrics), ['ndcg', 'recall_at_10']);
    assert.equal(lineage.datasetDigest, `sha256:${hex(canonicalJson({ id: 'ds-1', name: 'clicks-2026-11', summary: '' }))}`);
    assert.match(lineage.configDigest!, /^sha256:[0-9a-f]{64}$/);
    const noInputs = modelSigningStatement(makeVersion({}), DIGEST, ENTRIES).predicate.lineage;
    assert.equal(noInputs.datasetDigest, null);
    assert.equal(noInputs.configDigest, null);
  });

  it('gives the same payload bytes for the same version whatever order the files were listed in', () => {
    const a = statementPayload(modelSigningStatement(VERSION, DIGEST, ENTRIES));
    const b = statementPayload(modelSigningStatement(VERSION, DIGEST, [...ENTRIES].reverse()));
    assert.equal(a.toString(), b.toString());
  });

  it('reads a statement back and refuses one whose root digest does not match its resources', () => {
    const statement = modelSigningStatement(VERSION, DIGEST, ENTRIES);
    assert.deepEqual(readStatement(statementPayload(statement)).problems, []);
    const tampered = structuredClone(statement);
    tampered.predicate.resources[0]!.digest = hex('other');
    assert.deepEqual(readStatement(statementPayload(tampered)).problems, ['the subject digest is not the root digest of the resources']);
    assert.equal(rootDigest([]), hex(''));
  });

  it('compares files with the statement: a changed, a missing and an extra file are each named', () => {
    const statement = modelSigningStatement(VERSION, DIGEST, ENTRIES);
    const files = ENTRIES.map((e) => ({ name: e.path, sha256: e.sha256 }));
    assert.deepEqual(compareWithStatement(statement, files), []);
    const problems = compareWithStatement(statement, [{ ...files[0]!, sha256: hex('x') }, files[1]!, { name: 'extra', sha256: hex('e') }]);
    assert.deepEqual(problems.map((p) => p.split(':')[0]), ['variables/variables.data-00000-of-00001', 'variables/variables.index', 'extra']);
  });
});

describe('signature bundle (Sigstore v0.3, DSSE, public-key hint)', () => {
  it('builds a v0.3 bundle whose hint is the SHA-256 of the key PEM, and verifies it with @sigstore/verify', () => {
    const { bundle, key, statement } = signedBundle();
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.equal(bundle.verificationMaterial.publicKey?.hint, hex(normalizePem(key.pem)));
    assert.equal(bundle.dsseEnvelope?.payloadType, 'application/vnd.in-toto+json');
    const verified = verifySignatureBundle(bundle, [key.pem]);
    assert.deepEqual(verified.statement, statement);
    assert.equal(verified.keyHint, keyHint(key.pem));
  });

  it('verifies against any of several keys (rotation) and fails against only others', () => {
    const { bundle, key } = signedBundle();
    const other = keyPair();
    assert.doesNotThrow(() => verifySignatureBundle(bundle, [other.pem, key.pem]));
    assert.throws(() => verifySignatureBundle(bundle, [other.pem]), (e: Error) => /not among the 1 trusted key/.test(e.message));
  });

  it('fails when one byte of the payload or of the signature changes', () => {
    const { bundle, key } = signedBundle();
    const payload = Buffer.from(bundle.dsseEnvelope!.payload, 'base64');
    payload[40]! ^= 1;
    const badPayload = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope!, payload: payload.toString('base64') } };
    assert.throws(() => verifySignatureBundle(badPayload, [key.pem]), (e: Error & { code?: string }) => e.code === 'INTEGRITY_FAILED' && /does not verify/.test(e.message));
    const sig = Buffer.from(bundle.dsseEnvelope!.signatures[0]!.sig, 'base64');
    sig[sig.length - 1]! ^= 1;
    const badSig = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope!, signatures: [{ ...bundle.dsseEnvelope!.signatures[0]!, sig: sig.toString('base64') }] } };
    assert.throws(() => verifySignatureBundle(badSig, [key.pem]), /does not verify/);
  });

  it('refuses what is not a bundle, and a validly signed payload that is not a model-signing statement', () => {
    const key = keyPair();
    assert.throws(() => verifySignatureBundle({ hello: 'world' }, [key.pem]), /not a Sigstore bundle/);
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1","predicateType":"other","predicate":{"resources":[]},"subject":[]}');
    const bundle = signatureBundle(payload, sign('sha256', bytesToSign(payload), key.privateKey), key.pem);
    assert.throws(() => verifySignatureBundle(bundle, [key.pem]), /predicateType/);
  });
});
