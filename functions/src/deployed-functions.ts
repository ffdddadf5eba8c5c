import { API_REQUIRED_ENV_VARS } from './config';
import { REGISTER_REQUIRED_ENV_VARS } from './register-config';
import { SYNC_RUNS_REQUIRED_ENV_VARS, TRIGGER_REQUIRED_ENV_VARS } from './training-config';

/**
 * The environment each deployed entry point needs in production; Terraform's check
 * (test/unit/infra) holds terraform/functions.tf to it.
 */
export const REQUIRED_ENV_BY_ENTRY_POINT = {
  api: API_REQUIRED_ENV_VARS,
  register: REGISTER_REQUIRED_ENV_VARS,
  trigger: TRIGGER_REQUIRED_ENV_VARS,
  syncRuns: SYNC_RUNS_REQUIRED_ENV_VARS,
  drainOutbox: ['GOOGLE_CLOUD_PROJECT', 'EVENTS_TOPIC', 'VERTEX_LOCATION'],
} as const;
