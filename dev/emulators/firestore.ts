import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '../lib/free-port';
import { cloudSdkRoots, startEmulatorProcess } from './java-process';

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
  for (const root of cloudSdkRoots()) {
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
  // The JVM directly where the jar is where we expect it (the SDK's script does not exec it).
  const jar = join(dirname(bin), 'cloud-firestore-emulator.jar');
  const base = `http://127.0.0.1:${port}`;
  const emulator = existsSync(jar)
    ? await startEmulatorProcess('Firestore emulator', process.env.JAVA ?? 'java', ['-Duser.language=en', '-cp', jar, 'com.google.cloud.datastore.emulator.firestore.CloudFirestore', ...args], base, opts.verbose)
    : await startEmulatorProcess('Firestore emulator', bin, args, base, opts.verbose);

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
    stop: () => emulator.stop(),
  };
}
