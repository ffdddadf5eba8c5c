import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUNDLE_DIR, buildFunctionsBundle } from '../../../functions/build';

const ROOT = join(__dirname, '../../..');

describe('functions bundle (functions/build.ts)', function () {
  this.timeout(60_000);
  // Inside the repository, so that the bundle's externals resolve from node_modules.
  const out = join(ROOT, '.tmp', `bundle-test-${process.pid}`);
  let files: string[];

  before(async () => {
    mkdirSync(out, { recursive: true });
    files = await buildFunctionsBundle(out);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('is what package.json deploys, one file per function besides the entry', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.main, relative(ROOT, join(BUNDLE_DIR, 'index.js')));
    assert.deepEqual(files.sort(), ['api.js', 'index.js', 'outbox-drainer.js', 'register.js', 'sync-runs.js', 'trigger.js']);
  });

  it('answers health without loading the API file, then serves the API from it', () => {
    const script = `
      require(${JSON.stringify(join(out, 'index.js'))});
      const loaded = () => Object.keys(require.cache).map((p) => p.replace(${JSON.stringify(out + '/')}, ''));
      const atStart = loaded().filter((p) => !p.includes('/node_modules/@google-cloud/functions-framework/'));
      const { getTestServer } = require('@google-cloud/functions-framework/testing');
      const server = getTestServer('api').listen(0, '127.0.0.1', async () => {
        const base = 'http://127.0.0.1:' + server.address().port;
        const health = await fetch(base + '/api/health');
        const afterHealth = loaded().includes('api.js');
        const list = await fetch(base + '/api/models');
        console.log(JSON.stringify({ atStart, health: health.status, afterHealth, list: list.status, listBody: await list.json(), afterList: loaded().includes('api.js') }));
        process.exit(0);
      });
    `;
    const out_ = execFileSync(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: { ...process.env, FUNCTION_TARGET: '', GOOGLE_CLOUD_PROJECT: 'demo-registry', AUTH_MODE: 'dev', DEV_AUTH_SECRET: 'bundle-test-secret-0123456789-0123456789', LOG_LEVEL: 'CRITICAL' },
      encoding: 'utf8',
    });
    const r = JSON.parse(out_.trim().split('\n').pop()!);
    assert.deepEqual(r.atStart, ['index.js'], 'the entry requires nothing else at start');
    assert.equal(r.health, 200);
    assert.equal(r.afterHealth, false);
    // No token: the API (routes, config, authenticator) answered, from the API's own file.
    assert.equal(r.list, 401);
    assert.equal(r.listBody.error.code, 'UNAUTHENTICATED');
    assert.equal(r.afterList, true);
  });
});
