import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { GENESIS_HASH, auditHash, checkpointDigest, checkpointPayload, nextAuditRecord, verifyAuditChain } from '../../../shared/domain/audit-chain';
import { keyHint } from '../../../shared/domain/signature-bundle';
import type { AuditCheckpoint, AuditEntry, AuditRecord } from '../../../shared/schemas/audit';

const key = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
const KEY = key();

const entry = (n: number): AuditEntry => ({
  kind: 'alias.moved', familyId: 'recs', subject: 'recs@prod', actor: `user${n}@example.com`, reason: n % 2 ? 'why not' : null,
  before: { version: n }, after: { version: n + 1, nested: { b: 2, a: [1, 0.5] } },
});

function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= length; i++) {
    const last = records.at(-1);
    records.push(nextAuditRecord(last ? { seq: last.seq, hash: last.hash } : null, entry(i), new Date(Date.UTC(2026, 11, 6, 12, i))));
  }
  return records;
}

function checkpoint(record: AuditRecord, signer = KEY): AuditCheckpoint {
  const at = '2026-12-06T13:00:00.000Z';
  // What KMS does with EC_SIGN_P256_SHA256: ECDSA over the SHA-256 digest of the payload.
  const signature = sign('sha256', checkpointPayload(record.seq, record.hash, at), signer.privateKey);
  return { seq: record.seq, hash: record.hash, at, keyVersion: 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1', keyHint: keyHint(signer.pem), signature: signature.toString('base64') };
}

describe('audit chain', () => {
  it('links each record to the one before it, from the genesis hash, with a hash over its canonical JSON', () => {
    const [first, second] = chain(2);
    assert.equal(first!.seq, 1);
    assert.equal(first!.prevHash, GENESIS_HASH);
    assert.equal(second!.prevHash, first!.hash);
    assert.match(first!.hash, /^sha256:[0-9a-f]{64}$/);
    // Key order does not matter; content does.
    const reordered = Object.fromEntries(Object.entries(first!).reverse()) as AuditRecord;
    assert.equal(auditHash(reordered), first!.hash);
    assert.notEqual(auditHash({ ...first!, actor: 'someone@else' }), first!.hash);
  });

  it('keeps before/after as JSON (undefined fields dropped) so the hash is over what is stored', () => {
    const record = nextAuditRecord(null, { ...entry(1), before: { gone: undefined, kept: 1 }, after: undefined }, new Date(0));
    assert.deepEqual(record.before, { kept: 1 });
    assert.equal(record.after, null);
    assert.equal(auditHash(JSON.parse(JSON.stringify(record))), record.hash);
  });

  it('verifies an untouched chain and its checkpoints', () => {
    const records = chain(5);
    const result = verifyAuditChain({ records, checkpoints: [checkpoint(records[2]!), checkpoint(records[4]!)], publicKeyPems: [KEY.pem], storedHead: { seq: 5, hash: records[4]!.hash } });
    assert.deepEqual(result.problems, []);
    assert.equal(result.ok, true);
    assert.equal(result.checkpointsVerified, 2);
    assert.deepEqual(result.lastCheckpoint, { seq: 5, at: '2026-12-06T13:00:00.000Z' });
  });

  it('detects an edited record', () => {
    const records = chain(4);
    records[1] = { ...records[1]!, reason: 'edited' };
    const result = verifyAuditChain({ records, checkpoints: [], publicKeyPems: [] });
    assert.equal(result.ok, false);
    assert.deepEqual(result.problems, ['record 2 (alias.moved recs@prod) was edited: its content does not match its hash']);
  });

  it('detects an edited record whose hash was recomputed (the next link breaks)', () => {
    const records = chain(4);
    const forged = { ...records[1]!, actor: 'nobody' };
    records[1] = { ...forged, hash: auditHash(forged) };
    assert.deepEqual(verifyAuditChain({ records, checkpoints: [], publicKeyPems: [] }).problems, ['the chain breaks at record 3: its prevHash is not the hash of record 2']);
  });

  it('detects a removed record, and several', () => {
    const records = chain(6);
    assert.deepEqual(verifyAuditChain({ records: records.filter((r) => r.seq !== 3), checkpoints: [], publicKeyPems: [] }).problems, ['record 3 is missing (removed)']);
    assert.deepEqual(verifyAuditChain({ records: records.filter((r) => r.seq < 2 || r.seq > 4), checkpoints: [], publicKeyPems: [] }).problems, ['records 2–4 are missing (removed)']);
  });

  it('detects a rewritten chain with a signed checkpoint: every hash recomputed after an edit no longer matches it', () => {
    const records = chain(4);
    const signed = checkpoint(records[3]!);
    // Rebuild from record 2 on with a changed record 2: each link is consistent, but not what was signed.
    const rewritten = [records[0]!];
    for (let i = 2; i <= 4; i++) {
      const e = i === 2 ? { ...entry(2), reason: 'rewritten' } : entry(i);
      const last = rewritten.at(-1)!;
      rewritten.push(nextAuditRecord({ seq: last.seq, hash: last.hash }, e, new Date(Date.UTC(2026, 11, 6, 12, i))));
    }
    const result = verifyAuditChain({ records: rewritten, checkpoints: [signed], publicKeyPems: [KEY.pem] });
    assert.deepEqual(result.problems, ['record 4 is not the one checkpoint 4 signed: the chain up to it was edited or rewritten']);
  });

  it('detects a tail cut off after a checkpoint, and a head that disagrees with the last record', () => {
    const records = chain(5);
    const result = verifyAuditChain({ records: records.slice(0, 3), checkpoints: [checkpoint(records[4]!)], publicKeyPems: [KEY.pem], storedHead: { seq: 5, hash: records[4]!.hash } });
    assert.deepEqual(result.problems, [
      'records 4–5 were removed: checkpoint 5 signed a longer chain',
      'the chain head says record 5, but the last record is 3: records at the end were removed or edited',
    ]);
  });

  it('refuses checkpoints that do not verify or were signed by an unknown key', () => {
    const records = chain(2);
    const forged = { ...checkpoint(records[1]!), at: '2026-12-07T00:00:00.000Z' };
    const stranger = checkpoint(records[1]!, key());
    const result = verifyAuditChain({ records, checkpoints: [forged, stranger], publicKeyPems: [KEY.pem] });
    assert.equal(result.checkpointsVerified, 0);
    assert.equal(result.problems[0], 'checkpoint 2: the signature does not verify');
    assert.match(result.problems[1]!, /^checkpoint 2 was signed by key [0-9a-f]{16}…, which is not among the 1 trusted key\(s\)$/);
  });

  it('signs the digest KMS is given: SHA-256 of the checkpoint payload', () => {
    assert.equal(checkpointDigest(3, 'sha256:x', 'T').length, 32);
    assert.equal(checkpointPayload(3, 'sha256:x', 'T').toString(), '{"at":"T","hash":"sha256:x","seq":3,"type":"model-registry/audit-checkpoint/v1"}');
  });
});
