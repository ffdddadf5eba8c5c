import assert from 'node:assert/strict';
import { backoffMs } from '../../../dev/twins/gcs/retry-policy';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { startRegisterHarness, type ReceivedDelivery, type RegisterHarness } from '../register/harness';
import { assertNothingLostOrHalfWritten, modelFiles, prefixOf, pushAll, seedRuns } from './push-checks';

/**
 * Fault tests of Eventarc's delivery (issue 12): finalize events delivered twice, out of order, too
 * late, or to a failing register function; every push must still be exactly one version. The GCS
 * twin's fault switches make the deliveries; the register function is the real one.
 */

// Eventarc's schedule at a test's pace: 200, 400, then 800 ms between attempts.
const DELIVERY = { minBackoffMs: 200, maxBackoffMs: 800, retentionMs: 60_000 };
const FILES_PER_PUSH = Object.keys(modelFiles('x')).length;

/** The deliveries the function received for objects of these pushes, per ce-id, in arrival order. */
function deliveriesByEvent(h: RegisterHarness, prefixes: Iterable<string>): Map<string, ReceivedDelivery[]> {
  const wanted = [...prefixes].map((p) => `${p}/`);
  const byEvent = new Map<string, ReceivedDelivery[]>();
  for (const d of h.received) {
    if (!wanted.some((p) => d.object.startsWith(p))) continue;
    byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
  }
  return byEvent;
}

describe('registration under delivery faults', () => {
  let h: RegisterHarness;

  before(async () => {
    await (await sharedFirestoreEmulator()).reset();
    h = await startRegisterHarness({ delivery: DELIVERY });
  });

  after(async () => {
    await h?.stop();
  });

  afterEach(async () => {
    h.gcs.faults.clear();
    h.handling.failNext = 0;
    await h.settle();
  });

  it('[fault] registers each push exactly once when every finalize event is delivered twice with the same ce-id', async function () {
    this.timeout(120_000);
    const count = 6;
    h.gcs.faults.set({ duplicateDeliveries: count * FILES_PER_PUSH });
    const pushes = await pushAll(h, 'duplicated', 500, count);
    await h.settle();

    assert.equal(h.gcs.faults.remaining().duplicateDeliveries, 0, 'every event was duplicated');
    const byEvent = deliveriesByEvent(h, pushes.keys());
    assert.equal(byEvent.size, count * FILES_PER_PUSH, 'one ce-id per finalized object');
    for (const [id, deliveries] of byEvent) assert.ok(deliveries.length >= 2, `event ${id} came ${deliveries.length} time(s)`);
    await assertNothingLostOrHalfWritten(h, 'duplicated', pushes);
  });

  it('[fault] registers each push exactly once, from its own files and run, when events arrive newest first', async function () {
    this.timeout(120_000);
    const count = 4;
    await seedRuns(h, 'reordered', 510, count);
    const pushes = new Map(Array.from({ length: count }, (_, i) => [prefixOf(510 + i), modelFiles(`reordered-${i}`)] as const));
    const written: string[] = [];
    h.gcs.faults.set({ reorderDeliveries: count * FILES_PER_PUSH });
    // One push after the other, each file after the other: the events are published in this order.
    for (const [prefix, files] of pushes) {
      for (const path of Object.keys(files)) written.push(`${prefix}/${path}`);
      await h.push(prefix, files);
    }
    await h.settle();

    const arrived = h.received.filter((d) => written.includes(d.object)).map((d) => d.object);
    assert.deepEqual(arrived.slice(0, written.length), [...written].reverse(), 'delivered newest first');
    const versions = await assertNothingLostOrHalfWritten(h, 'reordered', pushes);
    // The first event delivered (the last push's last file) registered its push first, and so on.
    assert.deepEqual(versions.map((v) => v.artifacts.modelUri), [...pushes.keys()].reverse().map((p) => `gs://pushes/${p}`));
    for (const version of versions) {
      const run = 510 + [...pushes.keys()].indexOf(version.artifacts.modelUri.replace('gs://pushes/', ''));
      assert.equal(version.trainingRunId, String(run), `${version.id} links its own run`);
      assert.equal(version.name, `reordered-run-${run}`);
    }
  });

  it('[fault] registers each push exactly once when every finalize event comes later than MAX_EVENT_AGE_SECONDS', async function () {
    this.timeout(120_000);
    const count = 4;
    h.gcs.faults.set({ lateDeliveries: count * FILES_PER_PUSH });
    const pushes = await pushAll(h, 'late', 520, count);
    await h.settle();

    assert.equal(h.gcs.faults.remaining().lateDeliveries, 0);
    const deliveries = [...deliveriesByEvent(h, pushes.keys()).values()].flat();
    assert.ok(deliveries.length >= count * FILES_PER_PUSH, 'every event came');
    for (const d of deliveries) {
      const age = (d.startedAt - Date.parse(d.time ?? '')) / 1000;
      assert.ok(age > h.config.maxEventAgeSeconds, `${d.object} came ${age} s late`);
    }
    await assertNothingLostOrHalfWritten(h, 'late', pushes);
    const records = await Promise.all([...pushes.keys()].map((p) => h.pushRecord(p.replace('/pushed_model/', ':'))));
    assert.deepEqual(records.map((r) => [r?.state, r?.code]), records.map(() => ['registered', null]));
  });

  it("[fault] retries a failing register function with Eventarc's backoff, never while an attempt is in flight", async function () {
    this.timeout(120_000);
    const failures = 5;
    const before = h.gcs.deliveries();
    h.handling.failNext = failures;
    const pushes = await pushAll(h, 'failing', 530, 1);
    await h.settle();

    assert.equal(h.handling.failNext, 0, 'the function failed as often as asked');
    const after = h.gcs.deliveries();
    assert.ok(after.redeliveries - before.redeliveries >= failures, 'each failure was redelivered');
    const byEvent = deliveriesByEvent(h, pushes.keys());
    // Five failures over three events: at least one event failed twice and came three times.
    assert.ok(Math.max(...[...byEvent.values()].map((d) => d.length)) >= 3);
    for (const [id, deliveries] of byEvent) {
      assert.equal(deliveries.at(-1)!.outcome, 'handled', `event ${id} was handled in the end`);
      for (let i = 1; i < deliveries.length; i++) {
        const previous = deliveries[i - 1]!;
        const wait = deliveries[i]!.startedAt - previous.endedAt!;
        const backoff = backoffMs(i, DELIVERY);
        // A few ms of slack: the twin's clock starts the wait when the answer reaches it, after the function's endedAt.
        assert.ok(wait >= backoff - 5, `event ${id}: attempt ${i + 1} started ${wait} ms after attempt ${i} was answered, backoff ${backoff} ms`);
      }
    }
    await assertNothingLostOrHalfWritten(h, 'failing', pushes);
  });

  describe('with a register function slower than its timeout', () => {
    const ATTEMPT_TIMEOUT_MS = 1_000;
    let slow: RegisterHarness;

    before(async () => {
      slow = await startRegisterHarness({ delivery: { ...DELIVERY, attemptTimeoutMs: ATTEMPT_TIMEOUT_MS } });
    });

    after(async () => {
      await slow?.stop();
    });

    it("[fault] redelivers an attempt only once the function's timeout cut it off, and the handler still running makes no second version", async function () {
      this.timeout(120_000);
      slow.handling.stallNext = FILES_PER_PUSH;
      slow.handling.stallMs = ATTEMPT_TIMEOUT_MS + 800;
      const pushes = await pushAll(slow, 'timed-out', 540, 1);
      await slow.settle();
      // The cut-off handlers finish after the twin has hung up on them: wait for them too.
      while (slow.received.some((d) => d.endedAt === null)) await new Promise((resolve) => setTimeout(resolve, 50));

      const byEvent = deliveriesByEvent(slow, pushes.keys());
      assert.equal(byEvent.size, FILES_PER_PUSH);
      for (const [id, [first, second, ...more]] of byEvent) {
        assert.ok(first && second, `event ${id} was redelivered after its timeout`);
        assert.deepEqual(more, [], `event ${id}: the second attempt was answered in time`);
        const gap = second.startedAt - first.startedAt;
        // Slack: startedAt is taken once the framework has parsed the request, a little after the twin sent it.
        assert.ok(gap >= ATTEMPT_TIMEOUT_MS + DELIVERY.minBackoffMs - 25, `event ${id}: redelivered ${gap} ms after the first attempt started (timeout ${ATTEMPT_TIMEOUT_MS} ms + backoff ${DELIVERY.minBackoffMs} ms)`);
        assert.ok(first.endedAt! > second.startedAt, 'the cut-off handler was still running, as it may on Cloud Run');
      }
      await assertNothingLostOrHalfWritten(slow, 'timed-out', pushes);
    });
  });
});
