import { cloudEvent, http } from '@google-cloud/functions-framework';
import { api } from './functions/api';
import { register } from './functions/register';

// Each deployed function, registered under its entry point name (Terraform's `entry_point`).
http('api', api);
cloudEvent('register', register);

export { api, register };
