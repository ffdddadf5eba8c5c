import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { PipelineJob, PipelineRunner } from '../twins/vertex';

export interface ToyTrainerOptions {
  /** The GCS twin's URL (the storage client's apiEndpoint). */
  storageUrl: string;
  /** How long the toy "trains" before writing (default 100 ms). */
  trainMs?: number;
}

type ParameterValue = string | number | boolean;

/** google.protobuf.Value as the twin decodes it (oneof `kind` names the field that is set). */
function plain(value: Record<string, unknown> | null | undefined): ParameterValue | undefined {
  if (!value) return undefined;
  const field = typeof value.kind === 'string' ? value.kind : ['stringValue', 'numberValue', 'boolValue'].find((k) => value[k] !== undefined);
  const v = field ? value[field] : undefined;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

export function pipelineParameters(job: PipelineJob): Record<string, ParameterValue> {
  const values = (job.runtimeConfig?.parameterValues ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, ParameterValue> = {};
  for (const [name, value] of Object.entries(values)) {
    const v = plain(value);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

const TRAIN_SCRIPT = join(__dirname, 'train.ts');

/**
 * A Vertex twin `runner` that runs each pipeline job as the toy trainer, a real child process:
 * RUNNING while it works, SUCCEEDED when it exits 0, FAILED with its last error line otherwise
 * (`fail: true` among the job's parameters makes it fail). Cancelling the job kills the process.
 */
export function toyTrainerRunner(options: ToyTrainerOptions): PipelineRunner {
  return async (job, ctx) => {
    const params = pipelineParameters(job);
    const arg = (name: string) => {
      const value = params[name];
      if (value === undefined || value === '') throw new Error(`toy trainer: the pipeline parameter '${name}' is required`);
      return String(value);
    };
    const args = [
      '--storage-url', options.storageUrl, '--bucket', arg('pushes_bucket'), '--run-id', arg('run_id'),
      '--family', arg('family'), '--model-type', arg('model_type'), '--train-ms', String(options.trainMs ?? 100),
      ...(params.threshold !== undefined ? ['--threshold', String(params.threshold)] : []),
      ...(params.fail === true || params.fail === 'true' ? ['--fail'] : []),
    ];
    ctx.setState('PIPELINE_STATE_RUNNING');
    await runProcess(args, ctx.signal);
  };
}

function runProcess(args: string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), TRAIN_SCRIPT, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
      signal,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(stderr.trim().split('\n').pop() || `toy trainer exited with code ${code}`));
    });
  });
}
