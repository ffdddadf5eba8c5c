import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../lib/free-port';
import { cloudSdkRoots, startEmulatorProcess } from './java-process';

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
  for (const root of cloudSdkRoots()) {
    const lib = join(root, 'platform', 'pubsub-emulator', 'lib');
    const jar = existsSync(lib) && readdirSync(lib).find((f) => /^cloud-pubsub-emulator-.*\.jar$/.test(f));
    if (jar) return (cachedJar = join(lib, jar));
  }
  throw new Error(INSTALL_HINT);
}

/** Starts Google's Pub/Sub emulator on 127.0.0.1 and resolves once it answers ("Ok" on its root). */
export async function startPubSubEmulator(opts: PubSubEmulatorOptions = {}): Promise<PubSubEmulator> {
  const jar = findPubSubEmulatorJar();
  const port = opts.port ?? (await freePort());
  const projectId = opts.projectId ?? 'demo-registry';
  const emulator = await startEmulatorProcess('Pub/Sub emulator', process.env.JAVA ?? 'java', ['-jar', jar, '--host=127.0.0.1', `--port=${port}`], `http://127.0.0.1:${port}/`, opts.verbose);

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
    stop: () => emulator.stop(),
  };
}
