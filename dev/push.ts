/**
 * `npm run push -- <model dir> <run_id> [--version-dir N]` uploads a model directory into the
 * running local stack's pushes bucket, as a pipeline's Pusher would:
 *   <dir>/metrics.json  → gs://<pushes>/<run_id>/metrics.json (first, so registration finds it)
 *   <dir>/<everything else> → gs://<pushes>/<run_id>/pushed_model/<N>/...
 * `npm run push -- --demo [run_id]` makes a tiny SavedModel with metrics and pushes that.
 */
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { Storage } from '@google-cloud/storage';
import { storageClientOptions } from './twins/gcs';
import { STACK_FILE } from './stack';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** A few KB of deterministic bytes in TF SavedModel layout, plus metrics.json with a blessing. */
export function writeDemoModel(dir: string, seed: number): void {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) % 251));
  mkdirSync(join(dir, 'variables'), { recursive: true });
  writeFileSync(join(dir, 'saved_model.pb'), bytes(2048));
  writeFileSync(join(dir, 'variables', 'variables.index'), bytes(256));
  writeFileSync(join(dir, 'variables', 'variables.data-00000-of-00001'), bytes(8192));
  const recall = Math.round((0.7 + (seed % 20) / 100) * 1000) / 1000;
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify({
    family: 'demo-push', model_type: 'retrieval',
    metrics: { recall_at_100: recall, recall_at_50: recall - 0.12, loss: 0.3 },
    evaluation: { metric: 'recall_at_100', comparator: '>=', threshold: 0.75, achieved: recall, blessed: recall >= 0.75 },
  }, null, 2));
}

async function main() {
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
