import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Role } from '../../shared/ports';
import { buildApi, type ApiOverrides } from '../../functions/src/functions/api';
import { parseConfig } from '../../functions/src/config';
import { signDevToken } from '../../functions/src/http/token-verifiers';
import { sharedFirestoreEmulator } from './firestore';

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789';
let counter = 0;

/** Registers a fresh API function with the functions framework and returns its test server. */
export async function apiTestServer(env: Record<string, string> = {}, overrides: ApiOverrides = {}) {
  const emulator = await sharedFirestoreEmulator();
  const config = parseConfig({
    GOOGLE_CLOUD_PROJECT: emulator.projectId,
    AUTH_MODE: 'dev',
    DEV_AUTH_SECRET: TEST_SECRET,
    LOG_LEVEL: 'CRITICAL',
    ...env,
  });
  const name = `api-test-${++counter}`;
  http(name, buildApi(config, overrides));
  return getTestServer(name);
}

export function tokenFor(role: Role | 'none', email = `${role}@example.com`, ttlSeconds?: number): Promise<string> {
  return signDevToken(TEST_SECRET, { role, email, ttlSeconds });
}
