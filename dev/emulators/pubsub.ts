import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../lib/free-port';

export interface PubSubEmulator {
  /** "127.0.0.1:port", the value of PUBSUB_EMULATOR_HOST */
  readonly host: string;
  readonly port: number;
  readonly projectId: string;
  /** Creates a topic unless it exists (the emulator keeps nothing across restarts). */
  ensureTopic(topic: string): Promise<void>;
  /** Creates a pull subscription to a topic unless it exists. */
  ensureSubscription(subscription: string, topic: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PubSubEmulatorOptions {
  port?: number;
  projectId?: string;
  /** Print the emulator's own output (default: only on failure). */
  verbose?: boolean;
}

const INSTALL_HINT =
  "Google's Pub/Sub emulator was not found. Install it with `gcloud components install pubsub-emulator` or " +
  '`apt-get install google-cloud-cli-pubsub-emulator` (it needs Java 11+), or set PUBSUB_EMULATOR_JAR to its jar.';

let cachedJar: string | undefined;

/** Finds the emulator's jar shipped with the Cloud SDK (`platform/pubsub-emulator/lib/cloud-pubsub-emulator-*.jar`). */
export function findPubSubEmulatorJar(env = process.env): string {
  if (env.PUBSUB_EMULATOR_JAR) return env.PUBSUB_EMULATOR_JAR;
  if (cachedJar) return cachedJar;
  const roots = ['/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/google-cloud-sdk'];
  try {
    const root = execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (root) roots.unshift(root);
  } catch { /* gcloud missing: try the usual paths */ }
  for (const root of roots) {
    const lib = join(root, 'platform', 'pubsub-emulator', 'lib');
    const jar = existsSync(lib) && readdirSync(lib).find((f) => /^cloud-pubsub-emulator-.*\.jar$/.test(f));
    if (jar) return (cachedJar = join(lib, jar));
  }
  throw new Error(INSTALL_HINT);
}

/**
 * Starts Google's Pub/Sub emulator on 127.0.0.1 and resolves once it answers. The JVM is run
 * directly (the SDK's `cloud-pubsub-emulator` script only execs it), so the PID held is the emulator's.
 */
export async function startPubSubEmulator(opts: PubSubEmulatorOptions = {}): Promise<PubSubEmulator> {
  const jar = findPubSubEmulatorJar();
  const port = opts.port ?? (await freePort());
  const projectId = opts.projectId ?? 'demo-registry';
  const child: ChildProcess = spawn(process.env.JAVA ?? 'java', ['-jar', jar, '--host=127.0.0.1', `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-10_000);
    if (opts.verbose) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Pub/Sub emulator exited (${child.exitCode}):\n${output}`);
    try {
      // The emulator answers "Ok" on its root once its servers listen.
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Pub/Sub emulator did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  const base = `http://127.0.0.1:${port}/v1/projects/${projectId}`;
  const put = async (path: string, body: object) => {
    const res = await fetch(`${base}/${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok && res.status !== 409) throw new Error(`Pub/Sub emulator: PUT ${path} failed: ${res.status} ${await res.text()}`);
  };
  return {
    host: `127.0.0.1:${port}`,
    port,
    projectId,
    ensureTopic: (topic) => put(`topics/${topic}`, {}),
    ensureSubscription: (subscription, topic) => put(`subscriptions/${subscription}`, { topic: `projects/${projectId}/topics/${topic}`, ackDeadlineSeconds: 10 }),
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
