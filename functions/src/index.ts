import { http } from '@google-cloud/functions-framework';
import { api } from './functions/api';

// Each deployed function, registered under its entry point name (Terraform's `entry_point`).
http('api', api);

export { api };
