import assert from 'node:assert/strict';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { seedRegistry } from '../../../dev/demo/seed';
import { startPubSubEmulator, type PubSubEmulator } from '../../../dev/emulators/pubsub';
import type { RegistryEvent } from '../../../shared/domain/registry-events';
import { makeRun } from '../../support/fixtures';
import { sharedFirestoreEmulator } from '../../support/firestore';
import { EVENTS_TOPIC, PUSHES, savedModel, startRegisterHarness, type RegisterHarness } from './harness';

const STAMP = '20260601';
const SUBSCRIPTION = 'register-events-test';
const REGISTERED = 'com.modelregistry.version.registered';
const FAILED = 'com.modelregistry.version.registration_failed';
const ALIAS_MOVED = 'com.modelregistry.alias.moved';

describe('registration events and the latest alias (register function → outbox → Pub/Sub emulator)', () => {
  let emulator: PubSubEmulator;
  let admin: PubSub;
  let h: RegisterHarness;
  const received: RegistryEvent[] = [];

  before(async () => {
    await (await sharedFirestoreEmulator()).reset();
    emulator = await startPubSubEmulator();
    await emulator.ensureTopic(EVENTS_TOPIC);
    await emulator.ensureSubscription(SUBSCRIPTION, EVENTS_TOPIC);
    admin = new PubSub({ projectId: emulator.projectId, apiEndpoint: emulator.host });
    admin.subscription(SUBSCRIPTION)
      .on('message', (m: Message) => { received.push(JSON.parse(m.data.toString('utf8')) as RegistryEvent); m.ack(); })
      .on('error', () => undefined);
    h = await startRegisterHarness({ pubsubHost: emulator.host });
  });

  after(async () => {
    await h?.stop();
    await admin?.close();
    await emulator?.stop();
  });

  afterEach(async () => {
    await h.settle();
    h.handling.enabled = true;
  });

  /** What the subscription received about a subject, once nothing more arrives for a moment. */
  async function eventsAbout(subject: string, expected: number): Promise<RegistryEvent[]> {
    const matching = () => received.filter((e) => e.subject === subject);
    const deadline = Date.now() + 10_000;
    while (matching().length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    // A little longer: a duplicate would arrive now.
    await new Promise((r) => setTimeout(r, 300));
    return matching();
  }

  const seedRun = (familyId: string, runNumber: number) =>
    seedRegistry(h.db, { runs: [makeRun({ id: String(runNumber), runNumber, familyId, runId: `tr-${runNumber}-${STAMP}`, name: `${familyId}-run-${runNumber}` })] });
  const prefixOf = (runNumber: number) => `tr-${runNumber}-${STAMP}/pushed_model/1`;
  const vertexAliases = (familyId: string) => (h.vertex.models().find((m) => m.name.endsWith(`/models/${familyId}`))?.versions ?? [])
    .map((v) => (v.versionAliases ?? []).filter((a) => a !== 'default').sort());

  it('publishes one version.registered for a push whose four files each sent an event', async () => {
    await seedRun('announced', 100);
    await h.push(prefixOf(100), savedModel('announced'));
    await h.settle();

    const [version] = await h.versionsOf('announced');
    const events = await eventsAbout('announced-v1', 1);
    assert.deepEqual(events.map((e) => e.type), [REGISTERED]);
    const [event] = events;
    assert.equal(event!.source, `//model-registry/projects/${h.config.projectId}`);
    assert.deepEqual(
      [event!.data.versionId, event!.data.familyId, event!.data.version, event!.data.modelUri, event!.data.manifestDigest, event!.data.trainingRunId],
      ['announced-v1', 'announced', 1, `gs://${PUSHES}/${prefixOf(100)}`, version!.artifacts.manifestDigest, '100'],
    );
    const stored = (await h.db.collection('outbox').doc(event!.id).get()).data();
    assert.equal(stored?.state, 'sent', 'published right after the registration, not left to the drain');
  });

  it('publishes one version.registered when the same finalize event is delivered three times at once', async () => {
    await seedRun('replayed', 110);
    h.handling.enabled = false;
    await h.push(prefixOf(110), savedModel('replayed'));
    await h.settle();
    h.handling.enabled = true;

    const name = `${prefixOf(110)}/saved_model.pb`;
    const [object] = await h.storage.bucket(PUSHES).file(name).getMetadata();
    const headers = {
      'ce-id': 'replayed-event-1', 'ce-specversion': '1.0', 'ce-type': 'google.cloud.storage.object.v1.finalized',
      'ce-source': `//storage.googleapis.com/projects/_/buckets/${PUSHES}`, 'ce-subject': `objects/${name}`,
      'ce-time': new Date().toISOString(), 'content-type': 'application/json',
    };
    const responses = await Promise.all([1, 2, 3].map(() => fetch(h.url, { method: 'POST', headers, body: JSON.stringify(object) })));
    assert.deepEqual(responses.map((r) => r.ok), [true, true, true]);

    assert.deepEqual((await eventsAbout('replayed-v1', 1)).map((e) => e.type), [REGISTERED]);
    assert.equal((await h.db.collection('outbox').where('type', '==', REGISTERED).where('event.subject', '==', 'replayed-v1').get()).size, 1);
  });

  it('publishes one version.registration_failed for a push refused as UNKNOWN_FAMILY', async () => {
    await h.push(prefixOf(120), savedModel('orphan'));
    await h.settle();

    const pushId = `tr-120-${STAMP}:1`;
    const events = await eventsAbout(`pushes/${pushId}`, 1);
    assert.deepEqual(events.map((e) => e.type), [FAILED], 'each file refused it: announced once');
    assert.deepEqual(events[0]!.data, {
      pushId, bucket: PUSHES, prefix: prefixOf(120), code: 'UNKNOWN_FAMILY',
      message: 'no training run document for this run id, no family/model_type in metrics.json, and no registry-family/registry-model-type metadata on the pushed files',
    });
  });

  it('keeps latest on the newest version, in Firestore and in Vertex AI, and announces each move', async () => {
    await seedRun('tracked', 130);
    await h.push(prefixOf(130), savedModel('tracked-1'));
    await h.settle();
    await seedRun('tracked', 131);
    await h.push(prefixOf(131), savedModel('tracked-2'));
    await h.settle();

    const latest = await h.alias('tracked', 'latest');
    assert.deepEqual([latest?.versionId, latest?.version, latest?.movedBy, latest?.vertex.state], ['tracked-v2', 2, 'system', 'mirrored']);
    assert.deepEqual((await h.versionsOf('tracked')).map((v) => v.aliases), [[], ['latest']]);
    assert.deepEqual(vertexAliases('tracked'), [['v1'], ['latest', 'v2']]);

    const moves = await eventsAbout('tracked@latest', 2);
    assert.deepEqual(moves.map((e) => e.type), [ALIAS_MOVED, ALIAS_MOVED]);
    assert.deepEqual(moves.map((e) => [e.data.fromVersion, e.data.toVersion, e.data.actor]), [[null, 1, 'system'], [1, 2, 'system']]);
  });
});
