import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

describe('functions entry point', () => {
  it('loads no Vertex AI, Scheduler or Firestore client and builds no client at import', () => {
    // A fresh process, so that modules other tests loaded do not count.
    const script = `
      require(${JSON.stringify(join(__dirname, '../../../functions/src/index.ts'))});
      const loaded = Object.keys(require.cache);
      const heavy = ['@google-cloud/aiplatform', '@google-cloud/scheduler', '@google-cloud/firestore', '@google-cloud/storage', '@google-cloud/pubsub', '@google-cloud/kms', 'google-gax'];
      console.log(JSON.stringify(heavy.filter((m) => loaded.some((p) => p.includes('/node_modules/' + m + '/')))));
    `;
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, FUNCTION_TARGET: '' },
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), []);
  });

  it('answers a malformed JSON body as the API does (JSON, stable code) from the first request, before the API has loaded', () => {
    const script = `
      require(${JSON.stringify(join(__dirname, '../../../functions/src/index.ts'))});
      const { getTestServer } = require('@google-cloud/functions-framework/testing');
      const server = getTestServer('api').listen(0, '127.0.0.1', async () => {
        const res = await fetch('http://127.0.0.1:' + server.address().port + '/api/families', {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":',
        });
        console.log(JSON.stringify({ status: res.status, type: res.headers.get('content-type'), body: await res.json() }));
        process.exit(0);
      });
    `;
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, FUNCTION_TARGET: 'api', GOOGLE_CLOUD_PROJECT: 'demo-registry', AUTH_MODE: 'dev', DEV_AUTH_SECRET: 'cold-start-secret-0123456789-0123456789', LOG_LEVEL: 'CRITICAL' },
      encoding: 'utf8',
    });
    const answer = JSON.parse(out.trim().split('\n').pop()!);
    assert.equal(answer.status, 400);
    assert.match(answer.type, /^application\/json/);
    assert.equal(answer.body.error.code, 'VALIDATION_FAILED');
    assert.equal(answer.body.error.fields[0].path, 'body');
  });
});
