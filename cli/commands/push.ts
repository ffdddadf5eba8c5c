import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { MODEL_TYPES } from '../../shared/schemas/common';
import { CliError, EXIT, call, openSession, type Session } from '../session';
import type { Output } from '../output';
import { byteProgress } from '../progress';
import { waitForPushVerdict } from '../push-verdict';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The family's model type: the registry knows it for an existing family; a new one needs --model-type. */
async function modelTypeOf(session: Session, family: string, given: string | undefined): Promise<string> {
  const answer = await session.client.GET('/api/families/{familyId}', { params: { path: { familyId: family } } });
  const { data } = answer;
  if (data) {
    if (given && given !== data.modelType) throw new CliError(`family ${family} holds ${data.modelType} models, not ${given}`, EXIT.usage, 'VALIDATION_FAILED');
    return data.modelType;
  }
  if (answer.response.status !== 404) await call(Promise.resolve(answer));
  if (!given) throw new CliError(`family ${family} does not exist yet: give --model-type (${MODEL_TYPES.join(', ')}) to create it`, EXIT.usage, 'VALIDATION_FAILED');
  return given;
}

/**
 * `push DIR --family F --run R`: uploads a model directory as a pipeline's Pusher does
 * (`<run>/metrics.json` first, then `<run>/pushed_model/<n>/…`), then waits for the registry's
 * verdict on that push: the version it became, or why it was refused.
 */
export function pushCommand(program: Command, out: () => Output): void {
  program.command('push').description('upload a model directory to the pushes bucket and wait for its registration').argument('<dir>')
    .requiredOption('--family <family>', 'the family the version joins')
    .requiredOption('--run <runId>', 'the training run id (the directory in the bucket)')
    .option('--model-type <type>', `for a new family: ${MODEL_TYPES.join(', ')}`)
    .option('--version-dir <n>', 'the numbered directory under pushed_model/ (default: now, in seconds)')
    .option('--timeout <seconds>', 'how long to wait for registration', (v) => {
      if (!/^[0-9]+$/.test(v)) throw new InvalidArgumentError('--timeout must be whole seconds');
      return Number(v);
    }, 120)
    .option('--no-wait', 'return once uploaded')
    .action(async (dirArg: string, o: { family: string; run: string; modelType?: string; versionDir?: string; timeout: number; wait: boolean }) => {
      const session = openSession();
      const { pushesBucket, storageEndpoint, projectId } = session.config;
      if (!pushesBucket) throw new CliError('No pushes bucket configured: run `model-registry login --pushes-bucket <bucket>`', EXIT.usage, 'VALIDATION_FAILED');
      const dir = resolve(dirArg);
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`${dirArg} is not a directory`, EXIT.usage, 'VALIDATION_FAILED');
      const versionDir = o.versionDir ?? String(Math.floor(Date.now() / 1000));
      if (!/^[0-9]{1,20}$/.test(versionDir)) throw new CliError('--version-dir must be a number', EXIT.usage, 'VALIDATION_FAILED');
      const modelType = await modelTypeOf(session, o.family, o.modelType);

      const files = walk(dir);
      const metricsFile = files.find((f) => relative(dir, f) === 'metrics.json');
      // metrics.json names the family when no training-run document does (DESIGN.md, flow 1).
      const metrics = { ...(metricsFile ? JSON.parse(readFileSync(metricsFile, 'utf8')) as object : {}), family: o.family, model_type: modelType };
      const modelFiles = files.filter((f) => f !== metricsFile);
      if (modelFiles.length === 0) throw new CliError(`${dirArg} holds no model files`, EXIT.usage, 'VALIDATION_FAILED');

      process.env.METADATA_SERVER_DETECTION ??= 'none';
      const { Storage } = await import('@google-cloud/storage');
      const bucket = new Storage({ ...(storageEndpoint ? { apiEndpoint: storageEndpoint } : {}), ...(projectId ? { projectId } : {}) }).bucket(pushesBucket);
      const total = modelFiles.reduce((sum, f) => sum + statSync(f).size, 0);
      const bar = byteProgress('uploading', total, !out().json);
      await bucket.file(`${o.run}/metrics.json`).save(JSON.stringify(metrics), { contentType: 'application/json', resumable: false });
      const prefix = `${o.run}/pushed_model/${versionDir}`;
      for (const file of modelFiles) {
        await bucket.upload(file, { destination: `${prefix}/${relative(dir, file).split(sep).join('/')}`, resumable: false });
        bar.add(statSync(file).size);
      }
      bar.stop();
      const pushId = `${o.run}:${versionDir}`;
      out().note(`uploaded ${modelFiles.length} files to gs://${pushesBucket}/${prefix}/`);
      if (!o.wait) {
        out().result({ pushId, state: 'uploaded' }, () => `push ${pushId} uploaded; follow it with \`model-registry ls\``);
        return;
      }

      const data = await waitForPushVerdict(session.client, pushId, o.timeout * 1000);
      if (!data) throw new CliError(`push ${pushId} is not registered after ${o.timeout}s (see \`GET /api/pushes/${pushId}\`)`, EXIT.timeout, 'TIMEOUT');
      if (data.state === 'failed') {
        if (out().json) out().result(data, () => '');
        throw new CliError(`push ${pushId} was refused: ${data.code}: ${data.message}`, EXIT.refused, data.code ?? 'REFUSED');
      }
      out().result(data, () => `registered ${data.versionId}${data.notes.length ? `\nnote: ${data.notes.join('\nnote: ')}` : ''}`);
    });
}
