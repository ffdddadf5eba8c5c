import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '../lib/free-port';

export interface FirestoreEmulator {
  readonly host: string; // "127.0.0.1:port", the value of FIRESTORE_EMULATOR_HOST
  readonly port: number;
  readonly projectId: string;
  /** Deletes every document of the project (the emulator's reset endpoint). */
  reset(): Promise<void>;
  /** Exports the data to a directory (used by `npm start` to keep data across restarts). */
  exportTo(dir: string): Promise<void>;
  stop(): Promise<void>;
}

export interface FirestoreEmulatorOptions {
  port?: number;
  projectId?: string;
  rulesFile?: string;
  /** An `*.overall_export_metadata` file written by a previous export. */
  importFile?: string;
  /** Print the emulator's own output (default: only on failure). */
  verbose?: boolean;
}

const INSTALL_HINT =
  "Google's Firestore emulator was not found. Install it with " +
  '`gcloud components install cloud-firestore-emulator` or `apt-get install google-cloud-cli-firestore-emulator` ' +
  '(it needs Java 11+), or set FIRESTORE_EMULATOR_BIN to its cloud_firestore_emulator script.';

let cachedBin: string | undefined;

/** Finds the emulator binary shipped with the Cloud SDK. */
export function findFirestoreEmulatorBin(env = process.env): string {
  if (env.FIRESTORE_EMULATOR_BIN) return env.FIRESTORE_EMULATOR_BIN;
  if (cachedBin) return cachedBin;
  const candidates = ['/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/google-cloud-sdk'];
  try {
    const root = execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (root) candidates.unshift(root);
  } catch { /* gcloud missing: try the usual paths */ }
  for (const root of candidates) {
    const bin = join(root, 'platform', 'cloud-firestore-emulator', 'cloud_firestore_emulator');
    if (existsSync(bin)) return (cachedBin = bin);
  }
  throw new Error(INSTALL_HINT);
}

/** Starts Google's Firestore emulator on 127.0.0.1 and resolves once it answers. */
export async function startFirestoreEmulator(opts: FirestoreEmulatorOptions = {}): Promise<FirestoreEmulator> {
  const bin = findFirestoreEmulatorBin();
  const port = opts.port ?? (await freePort());
  const projectId = opts.projectId ?? 'demo-registry';
  const args = ['start', '--host=127.0.0.1', `--port=${port}`];
  if (opts.rulesFile) args.push(`--rules=${opts.rulesFile}`);
  if (opts.importFile) args.push(`--import-data=${opts.importFile}`);
  // Run the JVM directly (the SDK's script does not exec it), so that the PID we hold is the emulator's.
  const jar = join(dirname(bin), 'cloud-firestore-emulator.jar');
  const child: ChildProcess = existsSync(jar)
    ? spawn(process.env.JAVA ?? 'java', ['-Duser.language=en', '-cp', jar, 'com.google.cloud.datastore.emulator.firestore.CloudFirestore', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-10_000);
    if (opts.verbose) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const base = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Firestore emulator exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(base, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Firestore emulator did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  const docsUrl = `${base}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  return {
    host: `127.0.0.1:${port}`,
    port,
    projectId,
    async reset() {
      const res = await fetch(docsUrl, { method: 'DELETE' });
      if (!res.ok) throw new Error(`emulator reset failed: ${res.status}`);
    },
    async exportTo(dir: string) {
      mkdirSync(dir, { recursive: true });
      const res = await fetch(`${base}/emulator/v1/projects/${projectId}:export`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ database: `projects/${projectId}/databases/(default)`, export_directory: dir }),
      });
      if (!res.ok) throw new Error(`emulator export failed: ${res.status} ${await res.text()}`);
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
        child.kill('SIGTERM');
      });
    },
  };
}
