import assert from 'node:assert/strict';
import { parseArtifactConfig } from '../../../functions/src/artifact-config';
import { DEFAULT_SERVING_CONTAINER_IMAGE } from '../../../functions/src/register-config';
import { ConfigError } from '../../../shared/errors';

const base = { GOOGLE_CLOUD_PROJECT: 'acme-ml-prod', PUSHES_BUCKET: 'acme-pushes', REGISTRY_BUCKET: 'acme-registry', VERTEX_LOCATION: 'europe-west4' };

describe('parseArtifactConfig', () => {
  it('reads a production configuration with defaults', () => {
    const config = parseArtifactConfig(base);
    assert.equal(config.pushesBucket, 'acme-pushes');
    assert.equal(config.registryBucket, 'acme-registry');
    assert.deepEqual(config.vertex, { project: 'acme-ml-prod', location: 'europe-west4', apiEndpoint: null, port: null });
    assert.equal(config.servingContainerImage, DEFAULT_SERVING_CONTAINER_IMAGE);
    assert.equal(config.eventsSource, '//model-registry/projects/acme-ml-prod');
    assert.equal(config.maxPushFiles, 10_000);
    assert.equal(config.storageApiEndpoint, null);
  });

  it('reads the twins’ endpoints', () => {
    const config = parseArtifactConfig({ ...base, STORAGE_API_ENDPOINT: 'http://127.0.0.1:4443', VERTEX_API_ENDPOINT: '127.0.0.1', VERTEX_API_PORT: '9010' });
    assert.equal(config.storageApiEndpoint, 'http://127.0.0.1:4443');
    assert.deepEqual(config.vertex, { project: 'acme-ml-prod', location: 'europe-west4', apiEndpoint: '127.0.0.1', port: 9010 });
  });

  const failures: [Record<string, string>, string][] = [
    [{ ...base, PUSHES_BUCKET: '' }, 'PUSHES_BUCKET'],
    [{ ...base, REGISTRY_BUCKET: 'Bad_Bucket!' }, 'REGISTRY_BUCKET'],
    [{ ...base, VERTEX_LOCATION: 'mars' }, 'VERTEX_LOCATION'],
    [{ ...base, VERTEX_API_PORT: '9010' }, 'VERTEX_API_PORT'],
    [{ ...base, MAX_PUSH_FILES: '0' }, 'MAX_PUSH_FILES'],
  ];
  for (const [env, variable] of failures) {
    it(`fails naming ${variable} when it is missing or wrong`, () => {
      assert.throws(() => parseArtifactConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable);
    });
  }
});
