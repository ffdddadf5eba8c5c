import assert from 'node:assert/strict';
import {
  GOOGLE_CERTS_URL, parseSchedulingConfig, parseSyncRunsConfig, parseTriggerConfig,
} from '../../../functions/src/training-config';
import { ConfigError } from '../../../shared/errors';

const SA = 'registry-scheduler@acme-ml-prod.iam.gserviceaccount.com';
const scheduling = {
  GOOGLE_CLOUD_PROJECT: 'acme-ml-prod', SCHEDULER_LOCATION: 'europe-west1', SCHEDULER_SERVICE_ACCOUNT: SA,
  TRIGGER_URL: 'https://europe-west1-acme-ml-prod.cloudfunctions.net/trigger',
};
const trigger = {
  GOOGLE_CLOUD_PROJECT: 'acme-ml-prod', SCHEDULER_SERVICE_ACCOUNT: SA, OIDC_AUDIENCE: scheduling.TRIGGER_URL,
  PUSHES_BUCKET: 'acme-pushes', VERTEX_LOCATION: 'us-central1',
};

describe('scheduled retraining configuration', () => {
  it('targets the trigger URL with the scheduler service account, the audience defaulting to the URL', () => {
    assert.deepEqual(parseSchedulingConfig(scheduling), {
      scheduler: { project: 'acme-ml-prod', location: 'europe-west1', apiEndpoint: null, port: null },
      target: { uri: scheduling.TRIGGER_URL, audience: scheduling.TRIGGER_URL, serviceAccountEmail: SA },
    });
  });

  it('verifies callers against Google\'s certificates and issuers unless told otherwise', () => {
    const config = parseTriggerConfig(trigger);
    assert.deepEqual(config.caller, { audience: trigger.OIDC_AUDIENCE, serviceAccountEmail: SA, jwksUrl: GOOGLE_CERTS_URL, issuer: null });
    assert.deepEqual(config.vertex, {
      project: 'acme-ml-prod', location: 'us-central1', apiEndpoint: null, port: null, serviceAccount: null, pipelineRoot: null,
    });
  });

  it('reads the sync\'s bounds with defaults, and its scheduling part', () => {
    const config = parseSyncRunsConfig({ ...scheduling, ...trigger, SYNC_BATCH_SIZE: '20' });
    assert.deepEqual([config.batchSize, config.launchTimeoutMinutes, config.scheduling.target.uri], [20, 60, scheduling.TRIGGER_URL]);
  });

  const failures: [() => unknown, string][] = [
    [() => parseSchedulingConfig({ ...scheduling, TRIGGER_URL: 'ftp://x' }), 'TRIGGER_URL'],
    [() => parseSchedulingConfig({ ...scheduling, SCHEDULER_SERVICE_ACCOUNT: 'nobody' }), 'SCHEDULER_SERVICE_ACCOUNT'],
    [() => parseSchedulingConfig({ ...scheduling, SCHEDULER_API_PORT: '8085' }), 'SCHEDULER_API_PORT'],
    [() => parseSchedulingConfig({ ...scheduling, SCHEDULER_LOCATION: undefined }), 'SCHEDULER_LOCATION'],
    [() => parseTriggerConfig({ ...trigger, OIDC_AUDIENCE: '' }), 'OIDC_AUDIENCE'],
    [() => parseTriggerConfig({ ...trigger, PIPELINE_ROOT: 's3://bucket' }), 'PIPELINE_ROOT'],
    [() => parseTriggerConfig({ ...trigger, VERTEX_API_PORT: '1' }), 'VERTEX_API_PORT'],
    [() => parseSyncRunsConfig({ ...scheduling, ...trigger, LAUNCH_TIMEOUT_MINUTES: '1' }), 'LAUNCH_TIMEOUT_MINUTES'],
  ];
  for (const [parse, variable] of failures) {
    it(`fails naming ${variable} when it is missing or wrong`, () => {
      assert.throws(parse, (e: unknown) => e instanceof ConfigError && e.variable === variable);
    });
  }
});
