import { cloudEvent, http } from '@google-cloud/functions-framework';
import { api } from './functions/api';
import { drainOutbox } from './functions/outbox-drainer';
import { register } from './functions/register';
import { syncRuns } from './functions/sync-runs';
import { trigger } from './functions/trigger';

// Each deployed function, registered under its entry point name (Terraform's `entry_point`).
http('api', api);
cloudEvent('register', register);
http('trigger', trigger);
http('syncRuns', syncRuns);
http('drainOutbox', drainOutbox);

export { api, register, trigger, syncRuns, drainOutbox };
