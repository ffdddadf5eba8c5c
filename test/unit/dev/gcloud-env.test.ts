import assert from 'node:assert/strict';
import { exportLines, gcloudEnvironment } from '../../../dev/lib/gcloud-env';

describe('the gcloud environment for the local stack', () => {
  it('gives each API root with its trailing slash, a dummy token and the project, as export lines', () => {
    const env = gcloudEnvironment({ projectId: 'demo-registry', storageUrl: 'http://127.0.0.1:1', vertexRestUrl: 'http://127.0.0.1:2', schedulerRestUrl: 'http://127.0.0.1:3/' });
    assert.deepEqual(exportLines(env), [
      'export CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE=http://127.0.0.1:1/',
      'export CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM=http://127.0.0.1:2/',
      'export CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDSCHEDULER=http://127.0.0.1:3/',
      'export CLOUDSDK_AUTH_ACCESS_TOKEN=dummy',
      'export CLOUDSDK_CORE_PROJECT=demo-registry',
    ]);
  });

  it('leaves out the services it is not given', () => {
    assert.deepEqual(Object.keys(gcloudEnvironment({ projectId: 'p', vertexRestUrl: 'http://127.0.0.1:2' })), [
      'CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM', 'CLOUDSDK_AUTH_ACCESS_TOKEN', 'CLOUDSDK_CORE_PROJECT',
    ]);
  });
});
