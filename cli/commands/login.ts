import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { saveConfig, type CliAuth, type CliConfig } from '../config';
import { CliError, EXIT, call, openSession } from '../session';
import type { Output } from '../output';

interface LoginOptions {
  url?: string; token?: string; gcloud?: boolean; local?: boolean | string; role: 'viewer' | 'editor' | 'deployer';
  pushesBucket?: string; storageEndpoint?: string; project?: string;
}

/** What `npm start` writes for its tools (dev/stack.ts, STACK_FILE). */
function localStack(dataDir: string): Pick<CliConfig, 'url' | 'pushesBucket' | 'storageEndpoint' | 'projectId'> {
  const file = join(dataDir, 'stack.json');
  if (!existsSync(file)) throw new CliError(`no running local stack found (${file}); start it with \`npm start\``, EXIT.unavailable, 'NETWORK');
  const stack = JSON.parse(readFileSync(file, 'utf8')) as { url: string; gcsUrl: string; pushesBucket: string; projectId: string };
  return { url: stack.url, pushesBucket: stack.pushesBucket, storageEndpoint: stack.gcsUrl, projectId: stack.projectId };
}

/** `login`: where the registry is and how to authenticate, checked with one call, then saved. */
export function loginCommand(program: Command, out: () => Output): void {
  program.command('login').description('save the registry URL and credentials (checked before they are saved)')
    .option('--url <url>', 'the API, e.g. https://registry-api-xyz.a.run.app')
    .option('--token <token>', 'a bearer token to send as is')
    .option('--gcloud', 'mint a Google ID token with `gcloud auth print-identity-token` on each run')
    .option('--local [dataDir]', 'the local stack of `npm start` (default data dir .data), with a dev token')
    .addOption(new Option('--role <role>', 'with --local: the role of the dev token').choices(['viewer', 'editor', 'deployer']).default('deployer'))
    .option('--pushes-bucket <bucket>', 'the bucket `push` uploads to')
    .option('--storage-endpoint <url>', 'a Cloud Storage endpoint other than Google\'s')
    .option('--project <projectId>', 'the Google Cloud project of the bucket')
    .action(async (o: LoginOptions) => {
      let config: CliConfig;
      if (o.local) {
        const dataDir = resolve(typeof o.local === 'string' ? o.local : process.env.REGISTRY_DATA_DIR ?? '.data');
        config = { ...localStack(dataDir), auth: { kind: 'local', dataDir, role: o.role } };
      } else {
        if (!o.url) throw new CliError('give --url (or --local for the local stack)', EXIT.usage, 'VALIDATION_FAILED');
        if (!o.token === !o.gcloud) throw new CliError('give exactly one of --token or --gcloud', EXIT.usage, 'VALIDATION_FAILED');
        const auth: CliAuth = o.token ? { kind: 'token', token: o.token } : { kind: 'gcloud' };
        config = { url: o.url.replace(/\/+$/, ''), auth, pushesBucket: o.pushesBucket, storageEndpoint: o.storageEndpoint, projectId: o.project };
      }
      if (o.pushesBucket) config.pushesBucket = o.pushesBucket;
      const { client } = openSession(config);
      const summary = await call(client.GET('/api/models/summary'));
      const path = saveConfig(config);
      out().result({ url: config.url, config: path, versions: summary.total }, () => `logged in to ${config.url} (${summary.total} versions); saved ${path}`);
    });
}
