import assert from 'node:assert/strict';
import { grpc } from 'google-gax';
import { buildOutboxDrainer } from '../../../functions/src/functions/outbox-drainer';
import { parseRegistryWritesConfig } from '../../../functions/src/registry-config';
import type { EventPublisher } from '../../../shared/registry-ports';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { startRestartableFirestore, type RestartableFirestore } from '../../support/restartable-firestore';
import { startRegisterHarness, type RegisterHarness } from '../register/harness';
import { assertNothingLostOrHalfWritten, numbers, pushAll, vertexVersionsOf } from './push-checks';

/**
 * Fault tests (issue 8): each breaks one dependency of registration on the wire while pushes are in
 * flight, then checks that nothing was lost or half-written. Test names carry "[fault]": the bench
 * runs exactly these and reports how many survived.
 */

describe('registration under faults', () => {
  describe('Firestore stopped and restarted in the middle of a burst', () => {
    let firestore: RestartableFirestore;
    let h: RegisterHarness;

    before(async function () {
      this.timeout(120_000);
      firestore = await startRestartableFirestore();
      h = await startRegisterHarness({ firestore });
    });

    after(async function () {
      this.timeout(60_000);
      await h?.stop();
      await firestore?.stop();
    });

    it('[fault] registers every push of the burst exactly once after Firestore comes back', async function () {
      this.timeout(240_000);
      const pushing = pushAll(h, 'outage-burst', 100, 24);
      // Restart once registrations are under way: some done, others holding claims or mid-transaction.
      const deadline = Date.now() + 60_000;
      while ((await h.versionsOf('outage-burst')).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const before = (await h.versionsOf('outage-burst')).length;
      assert.ok(before >= 3 && before < 24, `restarted with ${before} of 24 registered`);
      const { downMs } = await firestore.restart();
      const pushes = await pushing;
      await h.settle();

      const versions = await assertNothingLostOrHalfWritten(h, 'outage-burst', pushes);
      assert.ok(downMs > 500, `Firestore was down for ${downMs} ms`);
      // A mirror whose outcome could not be recorded is finished by the minute job, never uploaded twice.
      const later = { now: () => new Date(Date.now() + 11 * 60_000) };
      await h.mirrorRetry(later).retryDue(50);
      const mirrored = await h.versionsOf('outage-burst');
      assert.deepEqual(mirrored.map((v) => v.vertex.state), versions.map(() => 'mirrored'));
      assert.deepEqual(vertexVersionsOf(h, 'outage-burst').flatMap((v) => v.aliases).sort(), numbers(24).map((n) => `v${n}`).sort(), 'one Vertex AI version per registry version');
    });
  });

  describe('Vertex AI and Cloud Storage failing', () => {
    let h: RegisterHarness;

    before(async () => {
      await (await sharedFirestoreEmulator()).reset();
      h = await startRegisterHarness({ vertexOperationDelayMs: 20 });
    });

    after(async () => {
      await h?.stop();
    });

    afterEach(async () => {
      await h.settle();
      h.vertex.faults.clear();
      h.gcs.faults.clear();
    });

    it('[fault] keeps versions registered while Vertex AI answers UNAVAILABLE, and the minute job mirrors each once when it is back', async function () {
      this.timeout(120_000);
      h.vertex.faults.set({ failMethod: { method: 'UploadModel', code: grpc.status.UNAVAILABLE, message: 'Vertex AI is down' } });
      const pushes = await pushAll(h, 'vertex-outage', 300, 8);
      await h.settle();
      const during = await assertNothingLostOrHalfWritten(h, 'vertex-outage', pushes);
      assert.deepEqual(during.map((v) => v.vertex.state), during.map(() => 'failed'));
      assert.ok(during.every((v) => v.vertex.nextRetryAt !== null), 'each failure has its automatic retry planned');
      assert.deepEqual(vertexVersionsOf(h, 'vertex-outage'), []);

      // The deployed minute job (drainOutbox), run as if `minutesLater` had passed.
      const minuteJob = async (minutesLater: number) => {
        const job = buildOutboxDrainer(parseRegistryWritesConfig({
          GOOGLE_CLOUD_PROJECT: h.config.projectId, VERTEX_LOCATION: 'us-central1', VERTEX_API_ENDPOINT: '127.0.0.1',
          VERTEX_API_PORT: String(h.vertex.port), LOG_LEVEL: 'CRITICAL',
        }), {
          wrapPublisher: (): EventPublisher => ({ publish: async () => 'discarded' }), // events are not what this test is about
          clock: { now: () => new Date(Date.now() + minutesLater * 60_000) }, mirrorTuning: { pollRetries: 3, pollRetryDelayMs: 20 }, mirrorRetryDelayMs: 10,
        });
        try {
          return (await job.run()).report.mirrors;
        } finally {
          await job.close();
        }
      };
      // Still down: the job tries each, fails, and plans the next retry later.
      assert.deepEqual(await minuteJob(2), { due: 8, mirrored: 0, failed: 8, skipped: 0 });
      h.vertex.faults.clear();
      assert.deepEqual(await minuteJob(2), { due: 0, mirrored: 0, failed: 0, skipped: 0 }, 'backed off: not due again yet');
      assert.deepEqual(await minuteJob(60), { due: 8, mirrored: 8, failed: 0, skipped: 0 });

      const after = await h.versionsOf('vertex-outage');
      assert.deepEqual(after.map((v) => v.vertex.state), after.map(() => 'mirrored'));
      assert.deepEqual(after.map((v) => v.artifacts.manifestDigest), during.map((v) => v.artifacts.manifestDigest), 'versions intact');
      assert.deepEqual(vertexVersionsOf(h, 'vertex-outage').flatMap((v) => v.aliases).sort(), numbers(8).map((n) => `v${n}`).sort());
      // `latest` followed the mirrors: in the registry and in Vertex AI.
      assert.equal((await h.alias('vertex-outage', 'latest'))?.versionId, 'vertex-outage-v8');
    });

    it('[fault] stores nothing partial when Cloud Storage answers 503 or breaks off reads during hashing', async function () {
      this.timeout(120_000);
      h.gcs.faults.set({ failReads: 3, breakReads: 4 });
      const pushes = await pushAll(h, 'flaky-reads', 400, 8);
      await h.settle();
      const { failReads, breakReads } = h.gcs.faults.remaining();
      assert.deepEqual({ failReads, breakReads }, { failReads: 0, breakReads: 0 }, 'every injected fault fired');
      await assertNothingLostOrHalfWritten(h, 'flaky-reads', pushes);
      const pushRecords = await Promise.all([...pushes.keys()].map((p) => h.pushRecord(p.replace('/pushed_model/', ':'))));
      assert.deepEqual(pushRecords.map((r) => r?.state), pushRecords.map(() => 'registered'));
    });
  });
});
