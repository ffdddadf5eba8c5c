import assert from 'node:assert/strict';
import { DEFAULT_SERVING_CONTAINER_IMAGE, REGISTER_ENV_VARS, parseRegisterConfig } from '../../../functions/src/register-config';
import { ConfigError } from '../../../shared/errors';

const base = { GOOGLE_CLOUD_PROJECT: 'acme-ml-prod', PUSHES_BUCKET: 'acme-pushes', REGISTRY_BUCKET: 'acme-registry', VERTEX_LOCATION: 'europe-west4' };

describe('parseRegisterConfig', () => {
  it('reads a production configuration with defaults', () => {
    const config = parseRegisterConfig(base);
    assert.deepEqual(config.vertex, { project: 'acme-ml-prod', location: 'europe-west4', apiEndpoint: null, port: null });
    assert.equal(config.servingContainerImage, DEFAULT_SERVING_CONTAINER_IMAGE);
    assert.equal(config.maxEventAgeSeconds, 3600);
    assert.equal(config.maxPushFiles, 10_000);
    assert.equal(config.storageApiEndpoint, null);
    assert.deepEqual(config.events, { topic: 'registry-events', source: '//model-registry/projects/acme-ml-prod', pubsubApiEndpoint: null, publishTimeoutMs: 10_000 });
  });

  it('reads the events topic, source and Pub/Sub emulator by the rules of the API and the drainer', () => {
    const config = parseRegisterConfig({ ...base, EVENTS_TOPIC: 'projects/acme-events/topics/registry', EVENTS_SOURCE: '//acme/registry', PUBSUB_API_ENDPOINT: '127.0.0.1:8085' });
    assert.deepEqual(config.events, { topic: 'projects/acme-events/topics/registry', source: '//acme/registry', pubsubApiEndpoint: '127.0.0.1:8085', publishTimeoutMs: 10_000 });
    assert.ok(['EVENTS_TOPIC', 'EVENTS_SOURCE', 'PUBSUB_API_ENDPOINT'].every((name) => REGISTER_ENV_VARS.includes(name)));
  });

  it('reads the twins’ endpoints', () => {
    const config = parseRegisterConfig({ ...base, STORAGE_API_ENDPOINT: 'http://127.0.0.1:4443', VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: '9010', VERTEX_PROJECT: 'acme-vertex' });
    assert.equal(config.storageApiEndpoint, 'http://127.0.0.1:4443');
    assert.deepEqual(config.vertex, { project: 'acme-vertex', location: 'europe-west4', apiEndpoint: '127.0.0.1', port: 9010 });
  });

  const failures: [Record<string, string>, string][] = [
    [{ ...base, PUSHES_BUCKET: '' }, 'PUSHES_BUCKET'],
    [{ ...base, REGISTRY_BUCKET: 'Bad_Bucket!' }, 'REGISTRY_BUCKET'],
    [{ ...base, VERTEX_LOCATION: 'mars' }, 'VERTEX_LOCATION'],
    [{ ...base, MAX_EVENT_AGE_SECONDS: '-5' }, 'MAX_EVENT_AGE_SECONDS'],
    [{ ...base, VERTEX_API_PORT: '9010' }, 'VERTEX_API_PORT'],
    [{ ...base, STORAGE_API_ENDPOINT: 'ftp://x' }, 'STORAGE_API_ENDPOINT'],
    [{ ...base, EVENTS_TOPIC: 'has spaces' }, 'EVENTS_TOPIC'],
    [{ ...base, PUBSUB_API_ENDPOINT: 'http://x' }, 'PUBSUB_API_ENDPOINT'],
  ];
  for (const [env, variable] of failures) {
    it(`fails naming ${variable} when it is missing or wrong`, () => {
      assert.throws(() => parseRegisterConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable);
    });
  }
});
