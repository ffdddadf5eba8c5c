import assert from 'node:assert/strict';
import { grpc } from 'google-gax';
import { seedRegistry } from '../../../dev/demo/seed';
import { DomainError } from '../../../shared/errors';
import { makeRun } from '../../support/fixtures';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { savedModel, startRegisterHarness, type RegisterHarness } from './harness';

const STAMP = '20260601';
const { status } = grpc;

describe('Vertex AI mirror of registered versions: failures, retries, POST /api/training-runs/{id}/register use case', () => {
  let h: RegisterHarness;

  before(async () => {
    await (await sharedFirestoreEmulator()).reset();
    // Upload operations stay pending for a moment, so that the client polls them.
    h = await startRegisterHarness({ vertexOperationDelayMs: 30 });
  });

  after(async () => {
    await h?.stop();
  });

  afterEach(async () => {
    await h.settle();
    h.vertex.faults.clear();
  });

  /** Pushes a complete directory for a new run of `familyId` and waits for it to be handled. */
  const register = async (familyId: string, runNumber: number) => {
    await seedRegistry(h.db, { runs: [makeRun({ id: String(runNumber), runNumber, familyId, runId: `tr-${runNumber}-${STAMP}`, name: `${familyId}-run` })] });
    await h.push(`tr-${runNumber}-${STAMP}/pushed_model/1`, savedModel(familyId));
    await h.settle();
    const versions = await h.versionsOf(familyId);
    assert.equal(versions.length, 1, 'the version is registered whatever happens to its mirror');
    return versions[0]!;
  };
  const vertexVersions = (familyId: string) => h.vertex.models().find((m) => m.name.endsWith(`/models/${familyId}`))?.versions ?? [];
  const rejection = async (promise: Promise<unknown>): Promise<DomainError> => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof DomainError, String(error));
      return error;
    }
    assert.fail('expected a rejection');
  };

  it('records a mirror that keeps failing as vertex.state failed, then the retry use case mirrors it once', async () => {
    h.vertex.faults.set({ failMethod: { method: 'UploadModel', code: status.UNAVAILABLE, message: 'backend overloaded' } });
    const failed = await register('flaky', 100);
    assert.equal(failed.vertex.state, 'failed');
    assert.equal(failed.vertex.attempts, 3, 'transient errors are retried in place, a bounded number of times');
    assert.match(failed.vertex.error ?? '', /backend overloaded/);
    assert.ok(failed.vertex.nextRetryAt && Date.parse(failed.vertex.nextRetryAt) > Date.parse(failed.vertex.updatedAt!), 'a transient failure is retried later by itself');
    assert.equal(vertexVersions('flaky').length, 0);

    h.vertex.faults.clear();
    const retried = await h.mirrorRetry().retry('100');
    assert.equal(retried.vertex.state, 'mirrored');
    assert.equal(retried.vertex.attempts, 4);
    assert.equal(retried.vertex.nextRetryAt, null);
    const [stored] = await h.versionsOf('flaky');
    assert.equal(stored?.vertex.state, 'mirrored');
    assert.equal(stored?.vertex.modelResourceName, retried.vertex.modelResourceName);
    assert.equal(vertexVersions('flaky').length, 1);
    assert.ok(vertexVersions('flaky')[0]!.versionAliases!.includes('v1'));

    assert.equal((await rejection(h.mirrorRetry().retry('100'))).code, 'ALREADY_EXISTS');
  });

  it('records a permanent refusal after one attempt, and answers UPSTREAM_FAILED when a retry is refused again', async () => {
    h.vertex.faults.set({ failMethod: { method: 'UploadModel', code: status.INVALID_ARGUMENT, message: 'Model directory is invalid' } });
    const failed = await register('refused', 110);
    assert.equal(failed.vertex.state, 'failed');
    assert.equal(failed.vertex.attempts, 1);
    assert.equal(failed.vertex.nextRetryAt, null, 'a refusal is left to a person');

    const error = await rejection(h.mirrorRetry().retry('110'));
    assert.equal(error.code, 'UPSTREAM_FAILED');
    assert.equal((await h.versionsOf('refused'))[0]?.vertex.attempts, 2);
  });

  it('absorbs one UNAVAILABLE from Vertex without making a second Vertex version', async () => {
    h.vertex.faults.set({ unavailable: 1 });
    const version = await register('blip', 120);
    assert.equal(version.vertex.state, 'mirrored');
    assert.equal(version.vertex.attempts, 2);
    assert.equal(vertexVersions('blip').length, 1);
  });

  it('reads the upload operation again when a poll answers UNAVAILABLE (gax does not retry polls)', async () => {
    h.vertex.faults.set({ failMethod: { method: 'GetOperation', code: status.UNAVAILABLE, message: 'poll dropped', times: 1 } });
    const version = await register('poll-drop', 130);
    assert.equal(version.vertex.state, 'mirrored');
    assert.equal(version.vertex.attempts, 1, 'the upload itself was not repeated');
    assert.equal(vertexVersions('poll-drop').length, 1);
  });

  it('adds later versions of a family to the same Vertex model with parentModel', async () => {
    await register('family-model', 140);
    await seedRegistry(h.db, { runs: [makeRun({ id: '141', runNumber: 141, familyId: 'family-model', runId: `tr-141-${STAMP}` })] });
    await h.push(`tr-141-${STAMP}/pushed_model/1`, savedModel('family-model-2'));
    await h.settle();
    const versions = vertexVersions('family-model');
    assert.deepEqual(versions.map((v) => v.versionId), ['1', '2']);
    assert.deepEqual(versions.map((v) => v.artifactUri), [`gs://pushes/tr-140-${STAMP}/pushed_model/1`, `gs://pushes/tr-141-${STAMP}/pushed_model/1`]);
  });

  it('lets the minute job mirror by itself the versions whose retry is due, once each, and nothing else', async () => {
    h.vertex.faults.set({ failMethod: { method: 'UploadModel', code: status.UNAVAILABLE, message: 'zone down' } });
    await register('outage', 180);
    h.vertex.faults.set({ failMethod: { method: 'UploadModel', code: status.INVALID_ARGUMENT, message: 'bad image' } });
    const refused = await register('outage-refused', 181);
    h.vertex.faults.clear();
    const abandoned = await register('abandoned', 182);
    await h.db.collection('versions').doc(abandoned.id).update({ vertex: { ...abandoned.vertex, state: 'pending', modelResourceName: null, versionId: null, nextRetryAt: new Date(Date.now() + 10 * 60_000).toISOString() } });

    // Not due yet: the first retry waits a minute, the abandoned one its lease.
    const now = await h.mirrorRetry().retryDue(50);
    assert.equal(now.due, 0);
    const later = { now: () => new Date(Date.now() + 11 * 60_000) };
    const report = await h.mirrorRetry(later).retryDue(50);
    assert.deepEqual(report, { due: 2, mirrored: 2, failed: 0, skipped: 0 });
    assert.equal((await h.versionsOf('outage'))[0]?.vertex.state, 'mirrored');
    assert.equal((await h.versionsOf('abandoned'))[0]?.vertex.state, 'mirrored');
    assert.equal(vertexVersions('outage').length, 1);
    assert.equal(vertexVersions('abandoned').length, 1, 'the earlier upload was found, not repeated');
    assert.equal((await h.versionsOf('outage-refused'))[0]?.vertex.state, 'failed');
    assert.equal(refused.vertex.nextRetryAt, null);
    assert.deepEqual(await h.mirrorRetry(later).retryDue(50), { due: 0, mirrored: 0, failed: 0, skipped: 0 });
  });

  it('leaves a pending mirror to its holder until the lease runs out, then takes it over', async () => {
    const version = await register('stuck', 150);
    // As if the instance mirroring it had died after registering it.
    const pending = { ...version.vertex, state: 'pending', modelResourceName: null, versionId: null, updatedAt: new Date().toISOString() };
    await h.db.collection('versions').doc(version.id).update({ vertex: pending });

    assert.equal((await rejection(h.mirrorRetry().retry('150'))).code, 'CONFLICT');
    const later = { now: () => new Date(Date.now() + 11 * 60_000) };
    const retried = await h.mirrorRetry(later).retry('150');
    assert.equal(retried.vertex.state, 'mirrored');
    assert.equal(vertexVersions('stuck').length, 1, 'the earlier upload was found by its alias, not repeated');
  });

  it('moves latest to a version whose mirror failed, and gives it the Vertex alias once a retry mirrors it', async () => {
    const v1 = await register('aliased', 170);
    const vertexAliases = () => vertexVersions('aliased').map((v) => (v.versionAliases ?? []).filter((a) => a !== 'default').sort());
    assert.deepEqual(vertexAliases(), [['latest', 'v1']]);

    h.vertex.faults.set({ failMethod: { method: 'UploadModel', code: status.INVALID_ARGUMENT, message: 'Model directory is invalid' } });
    await seedRegistry(h.db, { runs: [makeRun({ id: '171', runNumber: 171, familyId: 'aliased', runId: `tr-171-${STAMP}` })] });
    await h.push(`tr-171-${STAMP}/pushed_model/1`, savedModel('aliased-2'));
    await h.settle();
    const latest = await h.alias('aliased', 'latest');
    assert.deepEqual([latest?.versionId, latest?.vertex.state], ['aliased-v2', 'skipped'], 'the registry names the newest version at once');
    assert.deepEqual(vertexAliases(), [['v1']], 'Vertex AI no longer calls the older version latest');

    h.vertex.faults.clear();
    const retried = await h.mirrorRetry().retry('171');
    assert.deepEqual(vertexAliases(), [['v1'], ['latest', 'v2']]);
    assert.equal((await h.alias('aliased', 'latest'))?.vertex.state, 'mirrored');
    assert.deepEqual((await h.versionsOf('aliased')).map((v) => v.aliases), [[], ['latest']]);
    assert.equal(retried.id, 'aliased-v2');
    const aliasEvents = h.published.filter((e) => e.type === 'com.modelregistry.alias.moved' && e.subject === 'aliased@latest');
    assert.deepEqual(aliasEvents.map((e) => [e.data.fromVersionId, e.data.toVersionId]), [[null, v1.id], [v1.id, 'aliased-v2']]);
  });

  it('answers NOT_FOUND for an unknown run and CONFLICT for a run without a registered version', async () => {
    assert.equal((await rejection(h.mirrorRetry().retry('9999'))).code, 'NOT_FOUND');
    await seedRegistry(h.db, { runs: [makeRun({ id: '160', familyId: 'unpushed', runId: `tr-160-${STAMP}` })] });
    assert.equal((await rejection(h.mirrorRetry().retry('160'))).code, 'CONFLICT');
  });
});
