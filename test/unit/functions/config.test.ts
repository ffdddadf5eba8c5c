import assert from 'node:assert/strict';
import { parseConfig } from '../../../functions/src/config';
import { ConfigError } from '../../../shared/errors';

const base = { GOOGLE_CLOUD_PROJECT: 'acme-ml-prod', AUTH_AUDIENCE: 'client-id.apps.googleusercontent.com' };

describe('parseConfig', () => {
  it('reads a production configuration with defaults', () => {
    const config = parseConfig({ ...base, ROLE_BINDINGS: 'ann@acme.com=deployer, *@acme.com=viewer', CORS_ORIGINS: 'https://a.com,https://b.com' });
    assert.deepEqual(config.auth, { mode: 'google', audience: base.AUTH_AUDIENCE });
    assert.equal(config.firestoreDatabase, '(default)');
    assert.deepEqual(config.roleBindings, { 'ann@acme.com': 'deployer', '*@acme.com': 'viewer' });
    assert.deepEqual(config.corsOrigins, ['https://a.com', 'https://b.com']);
  });

  const failures: [Record<string, string>, string][] = [
    [{ AUTH_AUDIENCE: 'x' }, 'GOOGLE_CLOUD_PROJECT'],
    [{ GOOGLE_CLOUD_PROJECT: 'acme-ml-prod' }, 'AUTH_AUDIENCE'],
    [{ ...base, GOOGLE_CLOUD_PROJECT: 'Not A Project' }, 'GOOGLE_CLOUD_PROJECT'],
    [{ ...base, AUTH_MODE: 'dev', DEV_AUTH_SECRET: 'short' }, 'DEV_AUTH_SECRET'],
    [{ ...base, AUTH_MODE: 'magic' }, 'AUTH_MODE'],
    [{ ...base, ROLE_BINDINGS: 'ann@acme.com=admin' }, 'ROLE_BINDINGS'],
    [{ ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ];
  for (const [env, variable] of failures) {
    it(`fails naming ${variable} when it is missing or wrong`, () => {
      assert.throws(() => parseConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.includes(variable));
    });
  }
});
