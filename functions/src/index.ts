import { cloudEvent, http } from '@google-cloud/functions-framework';
import { api } from './functions/api-entry';
import { lazyFunction } from './lazy-function';

// Each deployed function, registered under its entry point name (Terraform's `entry_point`).
// Modules are required on first use (see lazy-function.ts): importing this file stays cheap.
const register = lazyFunction('register', () => (require('./functions/register') as typeof import('./functions/register')).register);
const trigger = lazyFunction('trigger', () => (require('./functions/trigger') as typeof import('./functions/trigger')).trigger);
const syncRuns = lazyFunction('syncRuns', () => (require('./functions/sync-runs') as typeof import('./functions/sync-runs')).syncRuns);
const drainOutbox = lazyFunction('drainOutbox', () => (require('./functions/outbox-drainer') as typeof import('./functions/outbox-drainer')).drainOutbox);

http('api', api);
cloudEvent('register', register);
http('trigger', trigger);
http('syncRuns', syncRuns);
http('drainOutbox', drainOutbox);

export { api, register, trigger, syncRuns, drainOutbox };
