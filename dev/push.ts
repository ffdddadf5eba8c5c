/**
 * `npm run push -- <model dir> <run_id> [--version-dir N]` uploads a model directory into the
 * running local stack's pushes bucket, as a pipeline's Pusher would:
 *   <dir>/metrics.json  → gs://<pushes>/<run_id>/metrics.json (first, so registration finds it)
 *   <dir>/<everything else> → gs://<pushes>/<run_id>/pushed_model/<N>/...
 * `npm run push -- --demo [run_id]` makes a tiny SavedModel with metrics and pushes that.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { Storage } from '@google-cloud/storage';
import { storageClientOptions } from './twins/gcs';
import { STACK_FILE } from './stack';
import { writeDemoModel } from './demo/demo-model';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

async function main() {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'version-dir': { type: 'string' }, demo: { type: 'boolean', default: false } },
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
    if (positionals.length !== 2) throw new Error('usage: npm run push -- <model dir> <run_id> [--version-dir N]  |  npm run push -- --demo [run_id]');
    dir = resolve(positionals[0]!);
    runId = positionals[1]!;
  }
  const versionDir = values['version-dir'] ?? String(Math.floor(Date.now() / 1000));
  const storage = new Storage(storageClientOptions(stack.gcsUrl, stack.projectId));
  const bucket = storage.bucket(stack.pushesBucket);
  const files = walk(dir);
  const metrics = files.find((f) => relative(dir, f) === 'metrics.json');
  if (metrics) await bucket.upload(metrics, { destination: `${runId}/metrics.json` });
  for (const file of files.filter((f) => f !== metrics)) {
    const destination = `${runId}/pushed_model/${versionDir}/${relative(dir, file).split(sep).join('/')}`;
    await bucket.upload(file, { destination });
    console.log(`uploaded gs://${stack.pushesBucket}/${destination}`);
  }
  console.log(`\npushed ${files.length} files as ${runId}; it appears in ${stack.url}/api/models once registered.`);
}

main().catch((error) => {
  console.error(`push failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
