/**
 * The toy trainer: a real process that a pipeline run starts. It "trains" for a moment, then writes
 * `<run_id>/metrics.json` and a tiny TF SavedModel at `<run_id>/pushed_model/<n>/` into the pushes
 * bucket through the unmodified storage client, as a TFX Pusher would; `--fail` makes it fail.
 *
 *   tsx dev/toy-trainer/train.ts --storage-url http://127.0.0.1:P --bucket pushes --run-id tr-1-20260101090000 \
 *     --family recs-prod --model-type retrieval [--threshold 0.8] [--fail]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ModelType } from '../../shared/schemas/common';
import { toyInputExample, toyMetrics, toyModelFiles } from './model-files';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'storage-url': { type: 'string' },
      bucket: { type: 'string' },
      'run-id': { type: 'string' },
      family: { type: 'string' },
      'model-type': { type: 'string' },
      threshold: { type: 'string' },
      'train-ms': { type: 'string', default: '100' },
      fail: { type: 'boolean', default: false },
    },
  });
  const required = (name: 'storage-url' | 'bucket' | 'run-id' | 'family' | 'model-type') => {
    const value = values[name];
    if (!value) throw new Error(`--${name} is required`);
    return value;
  };
  const runId = required('run-id');
  const modelType = ModelType.parse(required('model-type'));
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);

  await sleep(Number(values['train-ms']));
  if (values.fail) throw new Error('training failed on request (pipeline parameter fail=true)');

  const { Storage } = await import('@google-cloud/storage');
  // As storageClientOptions (dev/twins/gcs) says: a custom apiEndpoint is all the client needs for the twin.
  const bucket = new Storage({ apiEndpoint: required('storage-url'), projectId: 'demo-registry' }).bucket(required('bucket'));
  const save = (name: string, bytes: Buffer, contentType: string) => bucket.file(name).save(bytes, { resumable: false, contentType });
  const metrics = toyMetrics({ runId, family: required('family'), modelType, threshold });
  // metrics.json first: registration reads it when the model directory completes.
  await save(`${runId}/metrics.json`, Buffer.from(JSON.stringify(metrics, null, 2)), 'application/json');
  const versionDir = `${runId}/pushed_model/${Math.floor(Date.now() / 1000)}`;
  // Before the SavedModel's own files: the last of those completes the directory, and registration reads the example then.
  await save(`${versionDir}/input_example.json`, Buffer.from(JSON.stringify(toyInputExample(modelType), null, 2)), 'application/json');
  for (const [path, bytes] of Object.entries(toyModelFiles(runId))) await save(`${versionDir}/${path}`, bytes, 'application/octet-stream');
  process.stdout.write(`${JSON.stringify({ pushed: versionDir, metrics: metrics.metrics, blessed: metrics.evaluation.blessed })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`toy trainer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
