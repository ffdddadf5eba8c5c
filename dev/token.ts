/** `npm run token -- --role=viewer [--email=you@example.com]`: a dev token for the local stack. */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { devSecret } from './stack';

const { values } = parseArgs({ options: { role: { type: 'string', default: 'viewer' }, email: { type: 'string' }, ttl: { type: 'string' } } });
const role = values.role as string;
if (!['viewer', 'editor', 'deployer'].includes(role)) {
  console.error(`--role must be viewer, editor or deployer (got '${role}')`);
  process.exit(2);
}
const dataDir = resolve(process.env.REGISTRY_DATA_DIR ?? '.data');
signDevToken(devSecret(dataDir), {
  role: role as 'viewer', email: values.email ?? `${role}@localhost`, ttlSeconds: values.ttl ? Number(values.ttl) : undefined,
}).then((token) => console.log(token));
