/**
 * `npm run push -- <model dir> <run_id> [--family=NAME --model-type=TYPE] [--version-dir=N] [--no-wait]`
 * uploads a model directory into the running local stack's pushes bucket, as a pipeline's Pusher would:
 *   <dir>/metrics.json  → gs://<pushes>/<run_id>/metrics.json (first, so registration finds it)
 *   <dir>/<everything else> → gs://<pushes>/<run_id>/pushed_model/<N>/...
 * `--family`/`--model-type` name the family without a metrics.json, as the `registry-family` and
 * `registry-model-type` custom metadata of every file (what a pipeline copying with gcloud sets).
 * Then it waits for the registry's verdict: the version the push became, or why it was refused.
 * `npm run push -- --demo [run_id]` makes a tiny SavedModel with metrics and pushes that.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { Storage } from '@google-cloud/storage';
import { FAMILY_METADATA_KEY, MODEL_TYPE_METADATA_KEY } from '../shared/domain/push-family';
import { MODEL_TYPES } from '../shared/schemas/common';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { createRegistryClient } from '../shared/api-client/client';
import { waitForPushVerdict } from '../cli/push-verdict';
import { storageClientOptions } from './twins/gcs';
import { STACK_FILE, devSecret } from './stack';
import { writeDemoModel } from './demo/demo-model';

const USAGE = 'usage: npm run push -- <model dir> <run_id> [--family=NAME --model-type=TYPE] [--version-dir=N] [--timeout=SECONDS] [--no-wait]  |  npm run push -- --demo [run_id]';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

class UsageError extends Error {}

async function main(): Promise<number> {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'version-dir': { type: 'string' }, demo: { type: 'boolean', default: false },
      family: { type: 'string' }, 'model-type': { type: 'string' },
      timeout: { type: 'string', default: '60' }, 'no-wait': { type: 'boolean', default: false },
    },
  });
  const dataDir = resolve(process.env.REGISTRY_DATA_DIR ?? '.data');
  const stackFile = join(dataDir, STACK_FILE);
  if (!existsSync(stackFile)) throw new Error(`no running stack found (${stackFile}); start it with \`npm start\``);
  const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as { gcsUrl: string; pushesBucket: string; projectId: string; url: string };

  let dir: string;
  let runId: string;
  if (values.demo) {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    runId = positionals[0] ?? `demo-${stamp}`;
    dir = mkdtempSync(join(tmpdir(), 'demo-model-'));
    writeDemoModel(dir, Number(stamp.slice(-4)));
  } else {
    if (positionals.length !== 2) throw new UsageError(USAGE);
    dir = resolve(positionals[0]!);
    runId = positionals[1]!;
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${positionals[0]} is not a directory`);
  }
  const { family, 'model-type': modelType } = values;
  if ((family === undefined) !== (modelType === undefined)) throw new UsageError('--family and --model-type go together');
  if (modelType !== undefined && !(MODEL_TYPES as readonly string[]).includes(modelType)) throw new UsageError(`--model-type must be one of ${MODEL_TYPES.join(', ')}`);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new UsageError('--timeout must be whole seconds');
  const versionDir = values['version-dir'] ?? String(Math.floor(Date.now() / 1000));
  if (!/^[0-9]{1,20}$/.test(versionDir)) throw new UsageError('--version-dir must be a number');

  const storage = new Storage(storageClientOptions(stack.gcsUrl, stack.projectId));
  const bucket = storage.bucket(stack.pushesBucket);
  const files = walk(dir);
  const metrics = files.find((f) => relative(dir, f) === 'metrics.json');
  const metadata = family ? { metadata: { [FAMILY_METADATA_KEY]: family, [MODEL_TYPE_METADATA_KEY]: modelType! } } : {};
  if (metrics) await bucket.upload(metrics, { destination: `${runId}/metrics.json` });
  const modelFiles = files.filter((f) => f !== metrics);
  if (modelFiles.length === 0) throw new UsageError(`${dir} holds no model files`);
  for (const file of modelFiles) {
    const destination = `${runId}/pushed_model/${versionDir}/${relative(dir, file).split(sep).join('/')}`;
    await bucket.upload(file, { destination, metadata });
    console.log(`uploaded gs://${stack.pushesBucket}/${destination}`);
  }
  const pushId = `${runId}:${versionDir}`;
  console.log(`\npushed ${files.length} files as ${pushId}`);
  if (values['no-wait']) return 0;

  const token = await signDevToken(devSecret(dataDir), { role: 'editor', email: 'push@localhost' });
  const push = await waitForPushVerdict(createRegistryClient({ baseUrl: stack.url, token: () => token }), pushId, timeoutSeconds * 1000);
  if (!push) {
    console.error(`not registered after ${timeoutSeconds}s; follow it with GET ${stack.url}/api/pushes/${pushId}`);
    return 3;
  }
  if (push.state === 'failed') {
    console.error(`refused: ${push.code}: ${push.message}`);
    return 2;
  }
  console.log(`registered ${push.versionId}: ${stack.url}/api/models/${push.versionId}`);
  for (const note of push.notes) console.log(`note: ${note}`);
  return 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error instanceof UsageError ? error.message : `push failed: ${error instanceof Error ? error.message : error}`);
  process.exit(error instanceof UsageError ? 64 : 1);
});
