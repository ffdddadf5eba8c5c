import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { FirestoreRegistrationStore } from '../../../functions/src/adapters/firestore/registration-store';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { registeredEvent } from '../../../functions/src/app/register-push';
import { createEventFactory, registrationFailedData, type RegistryEvent } from '../../../shared/domain/registry-events';
import type { RegistrationRequest } from '../../../shared/register-ports';
import type { PushRecord } from '../../../shared/schemas/push-record';
import { makeVersion } from '../../support/fixtures';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

const AT = '2026-06-01T12:00:00.000Z';
const LEASE = 60_000;
const events = createEventFactory({ source: 'test', ids: randomUUID, now: () => new Date(AT) });

/** A registration request for push `n` of a family. */
function request(familyId: string, n: number): RegistrationRequest {
  const id = `tr-${n}-20260601:1`;
  return {
    push: { id, bucket: 'pushes', prefix: `tr-${n}-20260601/pushed_model/1`, objectName: `tr-${n}-20260601/pushed_model/1/saved_model.pb`, notes: [], eventId: `event-${n}`, recordedAt: AT, listedAt: AT },
    family: { id: familyId, modelType: 'retrieval' },
    trainingRunId: null,
    build: (version) => makeVersion({ familyId, version, registeredAt: AT, vertex: { state: 'pending', displayName: `${familyId}-v${version}` } }),
    registeredEvent: (version) => registeredEvent(events, id, version),
  };
}

/** The outbox events about a family's versions or pushes. */
async function outboxOf(subjectPrefix: string) {
  const db = await testFirestore();
  const snapshot = await db.collection('outbox').get();
  return snapshot.docs.map((d) => d.data()).filter((d) => String(d.event.subject).startsWith(subjectPrefix));
}

describe('Firestore registration store (emulator)', () => {
  // Two stores on two clients stand for two function instances: only the transaction orders them.
  let instances: FirestoreRegistrationStore[];

  before(async () => {
    const emulator = await sharedFirestoreEmulator();
    await emulator.reset();
    instances = [1, 2].map(() => new FirestoreRegistrationStore(lazyFirestore({ projectId: emulator.projectId, databaseId: '(default)' })));
  });

  it('numbers versions of one family from two instances without gap or duplicate', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => instances[i % 2]!.register(request('shared-family', 200 + i))));
    const numbers = results.map((r) => (r.outcome === 'registered' ? r.version.version : -1)).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 8 }, (_, i) => i + 1));
    const db = await testFirestore();
    assert.equal((await db.collection('families').doc('shared-family').get()).get('latestVersion'), 8);
    assert.equal((await db.collection('versions').where('familyId', '==', 'shared-family').get()).size, 8);
    const outbox = await outboxOf('shared-family-v');
    assert.deepEqual(outbox.map((d) => d.event.subject).sort(), results.map((r) => (r.outcome === 'registered' ? r.version.id : '')).sort());
    assert.ok(outbox.every((d) => d.state === 'pending' && d.type === 'com.modelregistry.version.registered'));
  });

  it('registers a push once when both instances register it at the same time', async () => {
    const results = await Promise.all(instances.map((store) => store.register(request('once-family', 300))));
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['duplicate', 'registered']);
    const db = await testFirestore();
    assert.equal((await db.collection('versions').where('familyId', '==', 'once-family').get()).size, 1);
    const registered = results.find((r) => r.outcome === 'registered');
    assert.deepEqual((await outboxOf('once-family')).map((d) => d.event.id), [registered?.outcome === 'registered' && registered.eventId]);
  });

  describe('refused pushes', () => {
    const refusal = (n: number, code: PushRecord['code']): [PushRecord, RegistryEvent] => {
      const id = `refused-${n}`;
      const record: PushRecord = {
        id, bucket: 'pushes', prefix: `tr-${n}-20260601/pushed_model/1`, objectName: 'x', state: 'failed', versionId: null,
        code, message: 'refused', notes: [], eventId: null, recordedAt: AT, listedAt: null,
      };
      return [record, events('version.registration_failed', `pushes/${id}`, registrationFailedData({ pushId: id, bucket: 'pushes', prefix: record.prefix, code: code!, message: 'refused' }))];
    };

    it('announces a refusal once, whether several events refuse it at once or a later one refuses it again', async () => {
      const outcomes = await Promise.all([1, 2, 3].map((i) => instances[i % 2]!.recordFailedPush(...refusal(500, 'UNKNOWN_FAMILY'))));
      assert.deepEqual(outcomes.filter(Boolean).length, 1);
      const outbox = await outboxOf('pushes/refused-500');
      assert.equal(outbox.length, 1);
      assert.deepEqual([outbox[0]!.type, outbox[0]!.event.data.code], ['com.modelregistry.version.registration_failed', 'UNKNOWN_FAMILY']);
      // A later event takes the push over and is refused the same way: recorded, not announced again.
      const [record] = refusal(500, 'UNKNOWN_FAMILY');
      assert.equal((await instances[1]!.claimPush({ ...record, eventId: 'later', recordedAt: AT }, LEASE)).outcome, 'claimed');
      assert.equal(await instances[1]!.recordFailedPush(...refusal(500, 'UNKNOWN_FAMILY')), false);
      assert.equal((await (await testFirestore()).collection('pushes').doc('refused-500').get()).get('state'), 'failed');
      assert.equal((await outboxOf('pushes/refused-500')).length, 1);
      // Refused again for another reason: a new record, a new event.
      assert.equal(await instances[0]!.recordFailedPush(...refusal(500, 'TOO_MANY_FILES')), true);
      assert.equal((await outboxOf('pushes/refused-500')).length, 2);
    });
  });

  describe('push claims', () => {
    const claim = (n: number, eventId: string, recordedAt = AT) => ({
      id: `claim-${n}`, bucket: 'pushes', prefix: `tr-${n}-20260601/pushed_model/1`, objectName: 'x', eventId, recordedAt,
    });
    const later = (ms: number) => new Date(Date.parse(AT) + ms).toISOString();

    it('grants a push to one of several events, and again to a redelivery of that same event', async () => {
      const outcomes = await Promise.all(['a', 'b', 'c'].map((event, i) => instances[i % 2]!.claimPush(claim(1, event), LEASE)));
      assert.deepEqual(outcomes.filter((o) => o.outcome === 'claimed').length, 1);
      const holder = ['a', 'b', 'c'][outcomes.findIndex((o) => o.outcome === 'claimed')]!;
      assert.equal((await instances[0]!.claimPush(claim(1, holder, later(1000)), LEASE)).outcome, 'claimed');
    });

    it('lets another event take a push over once the lease has run out', async () => {
      await instances[0]!.claimPush(claim(2, 'first'), LEASE);
      assert.equal((await instances[1]!.claimPush(claim(2, 'second', later(LEASE - 1)), LEASE)).outcome, 'in_progress');
      assert.equal((await instances[1]!.claimPush(claim(2, 'second', later(LEASE + 1)), LEASE)).outcome, 'claimed');
    });

    it('answers registered, with the version, for a push already registered', async () => {
      await instances[0]!.register(request('claimed-family', 400));
      assert.deepEqual(await instances[1]!.claimPush({ ...claim(400, 'late'), id: 'tr-400-20260601:1' }, LEASE), { outcome: 'registered', versionId: 'claimed-family-v1', listedAt: AT });
    });
  });
});
