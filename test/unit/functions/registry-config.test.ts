import assert from 'node:assert/strict';
import { parseRegistryWritesConfig } from '../../../functions/src/registry-config';
import { ConfigError } from '../../../shared/errors';

const base = { GOOGLE_CLOUD_PROJECT: 'acme-ml-prod' };

describe('parseRegistryWritesConfig', () => {
  it('reads defaults: Vertex in the same project, the registry-events topic, a lease longer than the operation timeout', () => {
    const config = parseRegistryWritesConfig(base);
    assert.deepEqual(config.vertex, { project: 'acme-ml-prod', location: 'us-central1', apiEndpoint: null, port: null });
    assert.deepEqual(config.events, { topic: 'registry-events', source: '//model-registry/projects/acme-ml-prod', pubsubApiEndpoint: null, publishTimeoutMs: 10_000 });
    assert.ok(config.deploy.leaseMs > config.deploy.operationTimeoutMs);
    assert.equal(config.registryBucket, null);
  });

  it('takes a topic of another project and twin endpoints', () => {
    const config = parseRegistryWritesConfig({
      ...base, EVENTS_TOPIC: 'projects/acme-events/topics/registry', VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: '9001', PUBSUB_API_ENDPOINT: '127.0.0.1:8085',
    });
    assert.equal(config.events.topic, 'projects/acme-events/topics/registry');
    assert.deepEqual([config.vertex.apiEndpoint, config.vertex.port, config.events.pubsubApiEndpoint], ['127.0.0.1', 9001, '127.0.0.1:8085']);
  });

  const failures: [Record<string, string>, string][] = [
    [{}, 'GOOGLE_CLOUD_PROJECT'],
    [{ ...base, VERTEX_API_PORT: '9001' }, 'VERTEX_API_PORT'],
    [{ ...base, EVENTS_TOPIC: 'has spaces' }, 'EVENTS_TOPIC'],
    [{ ...base, PUBSUB_API_ENDPOINT: 'http://x' }, 'PUBSUB_API_ENDPOINT'],
    [{ ...base, DEPLOY_OPERATION_TIMEOUT_SECONDS: '0' }, 'DEPLOY_OPERATION_TIMEOUT_SECONDS'],
    [{ ...base, VERTEX_LOCATION: 'mars' }, 'VERTEX_LOCATION'],
  ];
  for (const [env, variable] of failures) {
    it(`fails naming ${variable} when it is missing or wrong`, () => {
      assert.throws(() => parseRegistryWritesConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable);
    });
  }
});
