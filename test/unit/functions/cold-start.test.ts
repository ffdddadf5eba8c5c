import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

describe('functions entry point', () => {
  it('loads no Vertex AI, Scheduler or Firestore client and builds no client at import', () => {
    // A fresh process, so that modules other tests loaded do not count.
    const script = `
      require(${JSON.stringify(join(__dirname, '../../../functions/src/index.ts'))});
      const loaded = Object.keys(require.cache);
      const heavy = ['@google-cloud/aiplatform', '@google-cloud/scheduler', '@google-cloud/firestore', '@google-cloud/storage', '@google-cloud/pubsub', 'google-gax'];
      console.log(JSON.stringify(heavy.filter((m) => loaded.some((p) => p.includes('/node_modules/' + m + '/')))));
    `;
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, FUNCTION_TARGET: '' },
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), []);
  });
});
