import { API_REQUIRED_ENV_VARS } from './config';
import { REGISTER_REQUIRED_ENV_VARS } from './register-config';
import { SIGNING_REQUIRED_ENV_VARS } from './signing-config';
import { SYNC_RUNS_REQUIRED_ENV_VARS, TRIGGER_REQUIRED_ENV_VARS } from './training-config';

/**
 * The environment each deployed entry point needs in production; Terraform's check
 * (test/unit/infra) holds terraform/functions.tf to it.
 */
export const REQUIRED_ENV_BY_ENTRY_POINT = {
  // api: promotion signs, and it serves signatures and keys; register signs; drainOutbox retries signatures.
  api: [...API_REQUIRED_ENV_VARS, ...SIGNING_REQUIRED_ENV_VARS],
  register: [...REGISTER_REQUIRED_ENV_VARS, ...SIGNING_REQUIRED_ENV_VARS],
  trigger: TRIGGER_REQUIRED_ENV_VARS,
  syncRuns: SYNC_RUNS_REQUIRED_ENV_VARS,
  drainOutbox: ['GOOGLE_CLOUD_PROJECT', 'EVENTS_TOPIC', 'VERTEX_LOCATION', 'REGISTRY_BUCKET', ...SIGNING_REQUIRED_ENV_VARS],
} as const;

/**
 * Node flags of the deployed API (NODE_OPTIONS). A streamed ZIP download turns over a socket
 * buffer per 64 KB; with V8's default heap sizing ~100 MB of dead ones wait for a collection. A
 * 2 MB young generation and a 192 MB old space (the instance has 512 MiB; the API's live heap is a
 * few tens of MB) make V8 collect them early: a 1 GiB download peaks near 110 MB RSS instead of
 * ~225 MB (npm run bench measures both).
 */
export const API_NODE_OPTIONS = '--max-semi-space-size=2 --max-old-space-size=192';
