import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { Storage } from '@google-cloud/storage';
import { main } from '../../../cli/main';
import { EXIT } from '../../../cli/session';
import { demoModelFiles } from '../../../dev/demo/demo-model';
import { startStack, type Stack } from '../../../dev/stack';
import { buildOutboxDrainer } from '../../../functions/src/functions/outbox-drainer';
import { parseRegistryWritesConfig } from '../../../functions/src/registry-config';
import { auditHash } from '../../../shared/domain/audit-chain';
import type { AuditPage, AuditRecord } from '../../../shared/schemas/audit';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { QUICK_REDELIVERY } from '../../support/event-delivery';

const FAMILY = 'gated-recs';

describe('audit trail and policy-gated promotion (local stack: Firestore emulator, GCS, Vertex AI and KMS twins)', function () {
  this.timeout(180_000);
  let stack: Stack;
  let savedHost: string | undefined;
  let db: Firestore;
  const tokens: Record<'viewer' | 'editor' | 'deployer' | 'deployerB', string> = { viewer: '', editor: '', deployer: '', deployerB: '' };
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const answer = await fetch(`${stack.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: answer.status, body: (await answer.json()) as any };
  };
  const until = async <T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, ms = 40_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read().catch(() => undefined as T);
      if (value !== undefined && done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const version = async (id: string) => (await api('GET', `/api/models/${id}`, tokens.viewer)).body as ModelVersion;
  const push = async (run: string, seed: number, recall: number, blessed: boolean) => {
    const bucket = new Storage({ apiEndpoint: stack.gcs.url, projectId: stack.projectId }).bucket(stack.pushesBucket);
    await bucket.file(`${run}/metrics.json`).save(JSON.stringify({ family: FAMILY, model_type: 'retrieval', metrics: { recall_at_100: recall }, blessed }), { resumable: false });
    for (const file of demoModelFiles(seed)) await bucket.file(`${run}/pushed_model/1/${file.path}`).save(file.bytes, { resumable: false });
  };
  const settled = (id: string, state: 'signed' | 'failed') => until(() => version(id), (v) => v.signature?.state === state && v.vertex?.state === 'mirrored', `${id} ${state}`);
  const audit = async (query = '') => (await api('GET', `/api/audit${query}`, tokens.viewer)).body as AuditPage;
  const move = (alias: string, v: number, token = tokens.editor, reason?: string) =>
    api('PUT', `/api/families/${FAMILY}/aliases/${alias}`, token, { version: v, ...(reason && { reason }) });
  const approve = (v: number, token: string) => api('POST', `/api/families/${FAMILY}/aliases/prod/approvals`, token, { version: v, reason: 'reviewed the eval report' });

  /** `model-registry --json …` in-process, logged in with a token: its exit code and what it printed. */
  const cli = async (args: string[], token = tokens.viewer) => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ url: stack.url, auth: { kind: 'token', token } }));
    const saved = process.env.MODEL_REGISTRY_CONFIG;
    process.env.MODEL_REGISTRY_CONFIG = config;
    const printed: string[] = [];
    const [out, err] = [process.stdout.write, process.stderr.write];
    process.stdout.write = process.stderr.write = ((chunk: string) => { printed.push(String(chunk)); return true; }) as typeof process.stdout.write;
    try {
      const code = await main(['--json', ...args]);
      return { code, printed: printed.join('') };
    } finally {
      [process.stdout.write, process.stderr.write] = [out, err];
      if (saved === undefined) delete process.env.MODEL_REGISTRY_CONFIG;
      else process.env.MODEL_REGISTRY_CONFIG = saved;
    }
  };
  const verifyAudit = () => cli(['verify', '--audit']);
  /** The minute job as Cloud Scheduler runs it: it checkpoints the chain head with the signing key. */
  const minuteJob = async () => {
    const job = buildOutboxDrainer(parseRegistryWritesConfig({
      GOOGLE_CLOUD_PROJECT: stack.projectId, LOG_LEVEL: 'ERROR', REGISTRY_BUCKET: stack.registryBucket, STORAGE_API_ENDPOINT: stack.gcs.url,
      VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: String(stack.vertex.port), PUBSUB_API_ENDPOINT: stack.pubsub.host,
      SIGNING_KEY: stack.signingKey, KMS_API_ENDPOINT: '127.0.0.1', KMS_API_PORT: String(stack.kms.port),
    }));
    try {
      return (await job.run()).report;
    } finally {
      await job.close();
    }
  };

  before(async () => {
    savedHost = process.env.FIRESTORE_EMULATOR_HOST;
    stack = await startStack({ port: 0, dataDir: null, demo: false, buildDashboard: false, eventDelivery: QUICK_REDELIVERY });
    db = new Firestore({ projectId: stack.projectId });
    tokens.viewer = await stack.token('viewer');
    tokens.editor = await stack.token('editor');
    tokens.deployer = await stack.token('deployer', 'ana@example.com');
    tokens.deployerB = await stack.token('deployer', 'bo@example.com');
    await push('tr-1-20261201000000', 11, 0.8, true);
    await settled(`${FAMILY}-v1`, 'signed');
    await push('tr-2-20261201000000', 12, 0.82, false);
    await settled(`${FAMILY}-v2`, 'signed');
    await push('tr-3-20261201000000', 13, 0.9, true);
    await settled(`${FAMILY}-v3`, 'signed');
  });
  after(async () => {
    await db?.terminate();
    await stack?.stop();
    if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses moving prod to a version that fails the policy, naming every failed rule; moves it once the rules are met and approvals given; audits all of it', async () => {
    assert.equal((await move('prod', 1, tokens.editor, 'first release')).status, 200);

    const policy = { prod: { metrics: [{ metric: 'recall_at_100', better: 'higher', threshold: 0.75, margin: 0.05 }], approvals: 2 } };
    assert.equal((await api('PUT', `/api/families/${FAMILY}/policy`, tokens.editor, { protectedAliases: policy })).status, 403);
    const bad = await api('PUT', `/api/families/${FAMILY}/policy`, tokens.deployer, { protectedAliases: { latest: {}, prod: { approvals: 11 } } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.fields.map((f: { path: string }) => f.path).sort(), ['body.protectedAliases.latest', 'body.protectedAliases.prod.approvals']);
    assert.equal((await api('GET', `/api/families/${FAMILY}/policy`, tokens.viewer)).body.revision, 0, 'a refused policy changes nothing');
    const put = await api('PUT', `/api/families/${FAMILY}/policy`, tokens.deployer, { protectedAliases: policy, expectedRevision: 0, reason: 'prod needs evidence' });
    assert.equal(put.status, 200);
    assert.equal(put.body.policy.revision, 1);
    assert.deepEqual(put.body.policy.protectedAliases.prod, { requireSignature: true, requireBlessed: true, metrics: policy.prod.metrics, approvals: 2 });

    // v2: not blessed, 0.82 does not beat v1's 0.80 by 0.05, no approvals.
    const refused = await move('prod', 2, tokens.editor, 'try v2');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'POLICY_FAILED');
    assert.deepEqual(refused.body.error.failedRules.map((f: { rule: string }) => f.rule), ['blessed', 'metrics.recall_at_100.margin', 'approvals']);
    assert.match(refused.body.error.failedRules[1].message, /0\.82 does not beat gated-recs-v1's 0\.8 by 0\.05/);
    assert.equal((await version(`${FAMILY}-v1`)).aliases.includes('prod'), true, 'the alias did not move');

    // v3 meets every rule but the approvals: one deployer approving twice counts once.
    assert.equal((await approve(3, tokens.editor)).status, 403);
    assert.equal((await approve(3, tokens.deployer)).body.changed, true);
    const again = await approve(3, tokens.deployer);
    assert.equal(again.body.changed, false);
    assert.equal(again.body.approvals.length, 1);
    const oneShort = await move('prod', 3);
    assert.equal(oneShort.status, 409);
    assert.deepEqual(oneShort.body.error.failedRules, [{ rule: 'approvals', message: '1 of 2 approvals by distinct deployers' }]);
    assert.equal((await approve(3, tokens.deployerB)).body.approvals.length, 2);
    const moved = await move('prod', 3, tokens.editor, 'v3 beats v1 on recall');
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.alias.version, 3);
    const removal = await api('DELETE', `/api/families/${FAMILY}/aliases/prod?reason=cleanup`, tokens.editor);
    assert.equal(removal.status, 409);
    assert.equal(removal.body.error.failedRules[0].rule, 'protected');

    // Newest first, each with actor, time, before/after and reason.
    const trail = await audit(`?family=${FAMILY}`);
    assert.deepEqual(trail.items.map((r) => r.kind), [
      'alias.refused', 'alias.moved', 'alias.approved', 'alias.refused', 'alias.approved', 'alias.refused', 'policy.changed', 'alias.moved',
    ]);
    const [removeRefused, promoted, approvedB, shortRefused, approvedA, v2Refused, policyChanged, first] = trail.items as AuditRecord[];
    assert.deepEqual([approvedA!.actor, approvedB!.actor], ['ana@example.com', 'bo@example.com']);
    assert.equal(approvedA!.reason, 'reviewed the eval report');
    assert.deepEqual(first!.after, { version: 1, versionId: `${FAMILY}-v1` });
    assert.equal(first!.reason, 'first release');
    assert.equal(policyChanged!.actor, 'ana@example.com');
    assert.deepEqual((policyChanged!.before as { revision: number }).revision, 0);
    assert.deepEqual((policyChanged!.after as { revision: number }).revision, 1);
    assert.deepEqual((v2Refused!.after as { failedRules: { rule: string }[] }).failedRules.map((f) => f.rule), ['blessed', 'metrics.recall_at_100.margin', 'approvals']);
    assert.equal(v2Refused!.actor, 'editor@localhost');
    assert.equal(v2Refused!.reason, 'try v2');
    assert.deepEqual((shortRefused!.after as { failedRules: unknown[] }).failedRules.length, 1);
    assert.deepEqual(promoted!.before, { version: 1, versionId: `${FAMILY}-v1` });
    const policyFacts = (promoted!.after as { policy: { approvals: string[]; passedRules: string[]; signature: string } }).policy;
    assert.deepEqual(policyFacts.approvals, ['ana@example.com', 'bo@example.com']);
    assert.deepEqual(policyFacts.passedRules, ['signature', 'blessed', 'metrics.recall_at_100.threshold', 'metrics.recall_at_100.margin', 'approvals']);
    assert.equal(policyFacts.signature, (await version(`${FAMILY}-v3`)).signature!.bundleDigest);
    assert.equal(removeRefused!.kind, 'alias.refused');
    assert.equal(removeRefused!.reason, 'cleanup');

    // Filters and cursor paging.
    assert.deepEqual((await audit(`?family=${FAMILY}&actor=bo@example.com`)).items.map((r) => r.kind), ['alias.approved']);
    assert.equal((await audit(`?family=${FAMILY}&kind=alias.refused`)).items.length, 3);
    const paged: AuditRecord[] = [];
    let cursor: string | null = null;
    do {
      const page: AuditPage = await audit(`?family=${FAMILY}&page_size=3${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(paged.map((r) => r.seq), trail.items.map((r) => r.seq));
    assert.equal((await api('GET', '/api/audit?kind=nope', tokens.viewer)).status, 400);
  });

  it('refuses a protected move to a version whose signature is not there to verify', async () => {
    stack.kms.faults.set({ failMethod: { method: 'AsymmetricSign', code: 3, message: 'Signing refused for this test' } });
    try {
      await push('tr-4-20261201000000', 14, 0.99, true);
      await settled(`${FAMILY}-v4`, 'failed');
    } finally {
      stack.kms.faults.clear();
    }
    await approve(4, tokens.deployer);
    await approve(4, tokens.deployerB);
    const refused = await move('prod', 4);
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body.error.failedRules.map((f: { rule: string }) => f.rule), ['signature']);
    assert.match(refused.body.error.failedRules[0].message, /is not signed \(signature failed\)/);
  });

  it('audits deploy, undeploy, archive and delete in their transactions', async () => {
    assert.equal((await api('POST', `/api/models/${FAMILY}-v3/deploy`, tokens.deployer, { reason: 'serve prod' })).status, 200);
    assert.equal((await api('POST', `/api/models/${FAMILY}-v3/undeploy`, tokens.deployer, {})).status, 200);
    assert.equal((await api('POST', `/api/models/${FAMILY}-v2/archive`, tokens.editor, {})).status, 200);
    assert.equal((await api('DELETE', `/api/models/${FAMILY}-v2`, tokens.deployer)).status, 200);
    const [deleted, archived, undeployed, deployed] = (await audit(`?family=${FAMILY}&page_size=4`)).items;
    assert.equal(deployed!.kind, 'version.deployed');
    assert.equal(deployed!.reason, 'serve prod');
    assert.deepEqual((deployed!.before as { deployed: boolean }).deployed, false);
    assert.deepEqual((deployed!.after as { deployed: boolean }).deployed, true);
    assert.equal(undeployed!.kind, 'version.undeployed');
    assert.equal(archived!.kind, 'version.archived');
    assert.equal(archived!.actor, 'editor@localhost');
    assert.equal(deleted!.kind, 'version.deleted');
    assert.equal(deleted!.subject, `${FAMILY}-v2`);
  });

  it('audits role grants and revocations in roles/{email} (deployers only)', async () => {
    assert.equal((await api('PUT', '/api/roles/carl@example.com', tokens.editor, { role: 'editor' })).status, 403);
    const granted = await api('PUT', '/api/roles/Carl@Example.com', tokens.deployer, { role: 'editor', reason: 'joins the ranking team' });
    assert.deepEqual(granted.body, { changed: true, email: 'carl@example.com', role: 'editor', previous: null });
    assert.equal((await api('PUT', '/api/roles/carl@example.com', tokens.deployer, { role: 'editor' })).body.changed, false);
    assert.deepEqual((await api('GET', '/api/roles', tokens.deployer)).body.grants.map((g: { email: string; role: string; grantedBy: string }) => [g.email, g.role, g.grantedBy]),
      [['carl@example.com', 'editor', 'ana@example.com']]);
    assert.equal((await api('DELETE', '/api/roles/carl@example.com', tokens.deployer)).body.previous, 'editor');
    assert.equal((await api('PUT', '/api/roles/not-an-email', tokens.deployer, { role: 'editor' })).body.error.fields[0].path, 'params.email');
    const [revoked, grant] = (await audit('?kind=role.changed')).items;
    assert.deepEqual([grant!.subject, grant!.actor, grant!.reason, grant!.before, grant!.after], ['carl@example.com', 'ana@example.com', 'joins the ranking team', { role: null }, { role: 'editor' }]);
    assert.deepEqual([revoked!.before, revoked!.after, revoked!.familyId], [{ role: 'editor' }, { role: null }, null]);
  });

  it('serialises concurrent audited changes into one contiguous chain (every move commits with its record)', async () => {
    const before = (await audit('?page_size=1')).items[0]!.seq;
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => move(`canary-${n}`, 1 + (n % 2) * 2, tokens.editor, `concurrent ${n}`)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200, 200]);
    const records = (await audit(`?family=${FAMILY}&kind=alias.moved&page_size=6`)).items;
    assert.deepEqual(records.map((r) => r.subject).sort(), [1, 2, 3, 4, 5, 6].map((n) => `${FAMILY}@canary-${n}`));
    assert.deepEqual(records.map((r) => r.seq).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6].map((n) => before + n));
  });

  it('the CLI shows the policy, approves, lists the trail and reports a refusal with its rules', async () => {
    const shown = await cli(['policy', 'show', FAMILY]);
    assert.equal(shown.code, EXIT.ok);
    assert.equal(JSON.parse(shown.printed).revision, 1);
    const approved = await cli(['alias', 'approve', FAMILY, 'prod', 'v1', '--reason', 'rollback ready'], tokens.deployer);
    assert.equal(approved.code, EXIT.ok, approved.printed);
    assert.deepEqual(JSON.parse(approved.printed).approvals.map((a: { actor: string }) => a.actor), ['ana@example.com']);
    const refused = await cli(['alias', 'set', FAMILY, 'prod', 'v1', '--reason', 'roll back'], tokens.editor);
    assert.equal(refused.code, EXIT.conflict);
    assert.match(refused.printed, /POLICY_FAILED/);
    assert.match(refused.printed, /metrics\.recall_at_100\.margin, approvals/);
    const listed = await cli(['audit', '--family', FAMILY, '--limit', '2']);
    assert.deepEqual(JSON.parse(listed.printed).items.map((r: AuditRecord) => r.kind), ['alias.refused', 'alias.approved']);
  });

  it('npm run verify -- --audit checks the chain and its KMS-signed checkpoints, and detects an edited or removed record', async () => {
    const report = await minuteJob();
    const head = (await api('GET', '/api/audit/checkpoints', tokens.viewer)).body;
    assert.equal(head.head.seq, (await audit()).items[0]!.seq);
    assert.ok(head.checkpoints.some((c: { seq: number }) => c.seq === head.head.seq), JSON.stringify(report.audit));
    const clean = await verifyAudit();
    assert.equal(clean.code, EXIT.ok, clean.printed);
    assert.equal(JSON.parse(clean.printed).checkpointsVerified >= 1, true);

    const docs = (await db.collection('auditLog').orderBy('seq').get()).docs;
    const victim = docs[2]!;
    const original = victim.data();

    await victim.ref.update({ reason: 'nothing to see here' });
    const edited = await verifyAudit();
    assert.equal(edited.code, EXIT.integrity);
    assert.match(edited.printed, new RegExp(`record ${original.seq} \\(${original.kind.replace('.', '\\.')} [^)]*\\) was edited`));

    // Edited and re-hashed: the link to the next record breaks, and the checkpoint no longer matches.
    const forged = { ...original, reason: 'nothing to see here' } as AuditRecord;
    await victim.ref.set({ ...forged, hash: auditHash(forged) });
    const rehashed = await verifyAudit();
    assert.equal(rehashed.code, EXIT.integrity);
    assert.match(rehashed.printed, new RegExp(`the chain breaks at record ${original.seq + 1}`));

    await victim.ref.set(original);
    assert.equal((await verifyAudit()).code, EXIT.ok, 'restored');

    await victim.ref.delete();
    const removed = await verifyAudit();
    assert.equal(removed.code, EXIT.integrity);
    assert.match(removed.printed, new RegExp(`record ${original.seq} is missing \\(removed\\)`));
    await victim.ref.set(original);

    // The newest record removed and the head rewritten to hide it: the signed checkpoint still names it.
    const last = docs.at(-1)!;
    const previous = docs.at(-2)!.data();
    const headDoc = await db.collection('auditChain').doc('head').get();
    await last.ref.delete();
    await db.collection('auditChain').doc('head').set({ seq: previous.seq, hash: previous.hash, at: previous.at });
    const truncated = await verifyAudit();
    assert.equal(truncated.code, EXIT.integrity);
    assert.match(truncated.printed, new RegExp(`records? ${last.data().seq}.*removed`));
    await last.ref.set(last.data());
    await headDoc.ref.set(headDoc.data()!);
    assert.equal((await verifyAudit()).code, EXIT.ok);
  });
});
