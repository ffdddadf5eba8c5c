import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { startPubSubEmulator, type PubSubEmulator } from '../../../dev/emulators/pubsub';
import { freePort } from '../../../dev/lib/free-port';
import { PubSubEventPublisher, lazyPubSub } from '../../../functions/src/adapters/pubsub/publisher';
import { buildOutboxDrainer } from '../../../functions/src/functions/outbox-drainer';
import { parseRegistryWritesConfig } from '../../../functions/src/registry-config';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { FirestoreOutbox, addToOutbox } from '../../../functions/src/adapters/firestore/outbox';
import { OutboxDrainer } from '../../../functions/src/app/outbox-drainer';
import { createLogger } from '../../../functions/src/log';
import { createEventFactory, registrationFailedData, type RegistryEvent } from '../../../shared/domain/registry-events';
import type { EventPublisher } from '../../../shared/registry-ports';
import { startDeploymentsHarness, LOCATION, type DeploymentsHarness } from './harness';

const TOPIC = 'registry-events';

/** Collects (and acks) what a subscription receives. */
function collect(subscription: Subscription) {
  const messages: Message[] = [];
  subscription.on('message', (m: Message) => { messages.push(m); m.ack(); });
  subscription.on('error', () => undefined);
  return {
    messages,
    events: () => messages.map((m) => JSON.parse(m.data.toString('utf8')) as RegistryEvent),
    async until(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      // A little longer: a duplicate would arrive now.
      await new Promise((r) => setTimeout(r, 300));
      return messages.length;
    },
    clear: () => { messages.length = 0; },
    close: () => subscription.close(),
  };
}

describe('registry events (outbox in the Firestore emulator, published to the Pub/Sub emulator)', () => {
  let emulator: PubSubEmulator;
  let admin: PubSub;
  let h: DeploymentsHarness;
  let inbox: ReturnType<typeof collect>;
  /** While true, publishes go to a Pub/Sub endpoint where nothing listens (a stopped emulator). */
  const outage = { on: false };
  let deadPubSub: ReturnType<typeof lazyPubSub>;
  let drainFunction: ReturnType<typeof buildOutboxDrainer> | undefined;
  let env: Record<string, string>;

  before(async () => {
    emulator = await startPubSubEmulator();
    admin = new PubSub({ projectId: 'demo-registry', apiEndpoint: emulator.host });
    await emulator.ensureTopic(TOPIC);
    await emulator.ensureSubscription('registry-events-test', TOPIC);
    inbox = collect(admin.subscription('registry-events-test'));
    deadPubSub = lazyPubSub({ projectId: 'demo-registry', apiEndpoint: `127.0.0.1:${await freePort()}` });
    const deadPublisher = new PubSubEventPublisher(deadPubSub, { topic: TOPIC, publishTimeoutMs: 150 });
    env = { PUBSUB_API_ENDPOINT: emulator.host, EVENTS_TOPIC: TOPIC };
    h = await startDeploymentsHarness({
      env,
      overrides: {
        wrapPublisher: (real): EventPublisher => ({ publish: (event) => (outage.on ? deadPublisher : real).publish(event) }),
        drainSettings: { batchSize: 100, claimMs: 30_000, backoffBaseMs: 20, backoffMaxMs: 100, flushBudgetMs: 5_000 },
      },
    });
  });

  after(async () => {
    await h?.stop();
    await drainFunction?.close();
    await (await deadPubSub?.())?.close();
    await inbox?.close();
    await admin?.close();
    await emulator?.stop();
  });

  beforeEach(async () => {
    outage.on = false;
    inbox.clear();
    await h.reset();
  });

  const as = (token: string) => ({
    post: (path: string, body: object = {}) => request(h.server).post(path).set('Authorization', `Bearer ${token}`).send(body),
    put: (path: string, body: object) => request(h.server).put(path).set('Authorization', `Bearer ${token}`).send(body),
  });
  const outbox = async () => (await h.db.collection('outbox').get()).docs.map((d) => d.data());

  /** Deploy, move prod, undeploy and archive: one event each. */
  async function walkThrough(familyId: string) {
    const v1 = await h.seedMirrored({ familyId, version: 1 });
    const deployer = as(h.tokens.deployer);
    await deployer.post(`/api/models/${v1.id}/deploy`).expect(200);
    await deployer.put(`/api/families/${familyId}/aliases/prod`, { version: 1, expectedVersion: null }).expect(200);
    await deployer.post(`/api/models/${v1.id}/undeploy`).expect(200);
    await deployer.post(`/api/models/${v1.id}/archive`).expect(200);
    return v1;
  }
  const EXPECTED_TYPES = ['version.deployed', 'alias.moved', 'version.undeployed', 'version.archived'].map((t) => `com.modelregistry.${t}`);

  it('delivers each step as one CloudEvent, in structured JSON with a unique id', async () => {
    const v1 = await walkThrough('events-a');
    assert.equal(await inbox.until(4), 4);
    const events = inbox.events();
    assert.deepEqual(events.map((e) => e.type), EXPECTED_TYPES);
    assert.equal(new Set(events.map((e) => e.id)).size, 4);
    for (const event of events) {
      assert.equal(event.specversion, '1.0');
      assert.equal(event.source, '//model-registry/projects/demo-registry');
      assert.equal(event.datacontenttype, 'application/json');
      assert.ok(!Number.isNaN(Date.parse(event.time)));
    }
    assert.deepEqual([events[0]!.subject, events[0]!.data.versionId, events[0]!.data.actor], [v1.id, v1.id, 'deployer@example.com']);
    assert.match(String(events[0]!.data.endpoint), new RegExp(`/locations/${LOCATION}/endpoints/events-a-endpoint$`));
    assert.deepEqual(inbox.messages[0]!.attributes, { 'content-type': 'application/cloudevents+json', 'ce-type': EXPECTED_TYPES[0], 'ce-id': events[0]!.id });
    assert.deepEqual((await outbox()).map((d) => d.state), ['sent', 'sent', 'sent', 'sent']);
  });

  it('[fault] keeps events whose publish failed after the commit, and delivers each exactly once when Pub/Sub is back', async () => {
    outage.on = true;
    await walkThrough('events-b');
    assert.equal(await inbox.until(1, 500), 0);
    const pending = await outbox();
    assert.equal(pending.length, 4);
    assert.ok(pending.every((d) => d.state === 'pending' && d.attempts === 1 && /UNAVAILABLE|exceeded/.test(d.lastError)), JSON.stringify(pending.map((d) => d.lastError)));

    // Still down: a drain fails again and keeps them.
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await h.writes.drainer.drain(), { published: 0, failed: 4 });

    // Back: the scheduled drainer function publishes them; two drains at once do not double them.
    outage.on = false;
    await new Promise((r) => setTimeout(r, 150));
    const config = parseRegistryWritesConfig({ GOOGLE_CLOUD_PROJECT: h.projectId, LOG_LEVEL: 'CRITICAL', ...env });
    drainFunction = buildOutboxDrainer(config);
    http('drain-outbox-test', drainFunction.handler);
    const [first, second] = await Promise.all([request(getTestServer('drain-outbox-test')).post('/').expect(200), h.writes.drainer.drain()]);
    assert.equal(first.body.events.published + second.published, 4);

    assert.equal(await inbox.until(4), 4);
    const events = inbox.events();
    assert.deepEqual(events.map((e) => e.type).sort(), [...EXPECTED_TYPES].sort());
    assert.deepEqual(new Set(events.map((e) => e.id)), new Set(pending.map((d) => d.event.id)));
    assert.deepEqual(await h.writes.drainer.drain(), { published: 0, failed: 0 });
    assert.equal(await inbox.until(5, 300), 4);
  });

  it('lets a request answer without waiting out a publish that hangs; the event stays pending for the drain', async () => {
    const firestore = lazyFirestore({ projectId: h.projectId, databaseId: '(default)' });
    const hanging: EventPublisher = { publish: () => new Promise<string>(() => undefined) };
    const drainer = new OutboxDrainer(new FirestoreOutbox(firestore), hanging, { now: () => new Date() }, createLogger('CRITICAL'), {
      batchSize: 10, claimMs: 30_000, backoffBaseMs: 20, backoffMaxMs: 100, flushBudgetMs: 100,
    });
    // The way registration adds its events: in the batch or transaction of its own writes.
    const events = createEventFactory({ source: 'test', ids: randomUUID, now: () => new Date() });
    const event = events('version.registration_failed', 'pushes/run-1:1', registrationFailedData({ pushId: 'run-1:1', bucket: 'pushes', prefix: null, code: 'BAD_LAYOUT', message: 'no version directory' }));
    const batch = h.db.batch();
    addToOutbox(batch, h.db, event, new Date());
    await batch.commit();

    const started = Date.now();
    await drainer.flush([event.id]);
    assert.ok(Date.now() - started < 1000, `flush took ${Date.now() - started} ms`);
    const stored = (await h.db.collection('outbox').doc(event.id).get()).data()!;
    assert.deepEqual([stored.state, stored.attempts, stored.type], ['pending', 1, 'com.modelregistry.version.registration_failed']);
  });
});
