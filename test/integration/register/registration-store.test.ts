import assert from 'node:assert/strict';
import { FirestoreRegistrationStore } from '../../../functions/src/adapters/firestore/registration-store';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import type { RegistrationRequest } from '../../../shared/register-ports';
import { makeVersion } from '../../support/fixtures';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

const AT = '2026-06-01T12:00:00.000Z';
const LEASE = 60_000;

/** A registration request for push `n` of a family. */
function request(familyId: string, n: number): RegistrationRequest {
  const id = `tr-${n}-20260601:1`;
  return {
    push: { id, bucket: 'pushes', prefix: `tr-${n}-20260601/pushed_model/1`, objectName: `tr-${n}-20260601/pushed_model/1/saved_model.pb`, notes: [], eventId: `event-${n}`, recordedAt: AT, listedAt: AT },
    family: { id: familyId, modelType: 'retrieval' },
    trainingRunId: null,
    build: (version) => makeVersion({ familyId, version, registeredAt: AT, vertex: { state: 'pending', displayName: `${familyId}-v${version}` } }),
  };
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
  });

  it('registers a push once when both instances register it at the same time', async () => {
    const results = await Promise.all(instances.map((store) => store.register(request('once-family', 300))));
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['duplicate', 'registered']);
    const db = await testFirestore();
    assert.equal((await db.collection('versions').where('familyId', '==', 'once-family').get()).size, 1);
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
