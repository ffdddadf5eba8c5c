import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GcloudResult {
  code: number;
  /** What it wrote to stdout, as bytes (`storage cat` output) and as text. */
  stdout: Buffer;
  out: string;
  stderr: string;
}

export interface GcloudCli {
  /** Runs `gcloud <args>`; never rejects on a non-zero exit (tests assert the code). */
  run(args: string[], env?: Record<string, string>): Promise<GcloudResult>;
  /** Removes the throwaway configuration directory. */
  dispose(): Promise<void>;
}

/**
 * The real Cloud SDK `gcloud`, pointed at a local Cloud Storage endpoint: a throwaway CLOUDSDK_CONFIG
 * (its tracker files and settings stay out of the user's), a dummy access token (nothing checks it),
 * no prompts, no update checks, no usage reports. Parallel composite uploads are off unless a call
 * turns them on: gcloud's default ("when appropriate", above 150 MiB) would make tests depend on it.
 */
export async function gcloudCli(storageEndpoint: string, project = 'demo-registry'): Promise<GcloudCli> {
  return gcloudCliWith({
    // gcloud wants the API root, with its trailing slash; it appends storage/v1/ itself.
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `${storageEndpoint}/`,
    CLOUDSDK_AUTH_ACCESS_TOKEN: 'dummy',
    CLOUDSDK_CORE_PROJECT: project,
    CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED: 'False',
  });
}

/**
 * The real `gcloud` with `env` (endpoint overrides, token, project: dev/lib/gcloud-env.ts builds them) over a
 * throwaway CLOUDSDK_CONFIG, no prompts, no update checks, no usage reports, and none of the caller's CLOUDSDK_*.
 */
export async function gcloudCliWith(env: Record<string, string>): Promise<GcloudCli> {
  const config = await mkdtemp(join(tmpdir(), 'gcloud-config-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CLOUDSDK_')));
  const base = {
    ...inherited,
    CLOUDSDK_CONFIG: config,
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: '1',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: '1',
    ...env,
  };
  return {
    run: (args, env = {}) =>
      new Promise((resolve, reject) => {
        execFile('gcloud', args, { env: { ...base, ...env }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' }, (err, stdout, stderr) => {
          const code = err ? (err as { code?: unknown }).code : 0;
          if (typeof code !== 'number') return reject(err); // not started, or killed by the timeout
          resolve({ code, stdout, out: stdout.toString('utf8'), stderr: stderr.toString('utf8') });
        });
      }),
    dispose: () => rm(config, { recursive: true, force: true }),
  };
}
