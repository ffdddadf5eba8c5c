import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFirestoreEmulator, type FirestoreEmulator } from '../../dev/emulators/firestore';

/**
 * Google's Firestore emulator that a fault test can stop and restart while clients use it. Clients
 * reach it through a loopback TCP front that stands for Firestore's stable address: the front cuts
 * every connection at once (what clients see of an outage), the data committed so far is exported,
 * the emulator process is stopped, a new one starts from the export, and the front reconnects to it.
 * Without the front, writes landing between the export and the stop would be lost by the harness,
 * not by the code under test.
 */
export interface RestartableFirestore {
  /** `127.0.0.1:port` of the front: the value of FIRESTORE_EMULATOR_HOST. */
  readonly host: string;
  readonly projectId: string;
  /** Stops the emulator and starts it again with the same data; clients are cut off meanwhile. */
  restart(options?: { downMs?: number }): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

export async function startRestartableFirestore(projectId = 'fault-registry'): Promise<RestartableFirestore> {
  let emulator: FirestoreEmulator = await startFirestoreEmulator({ projectId });
  let target: number | null = emulator.port;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const front: Server = createServer((client) => {
    if (target === null) return client.destroy();
    const upstream = connect(target, '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  // Port 0: the OS picks a free one at listen, so no other process can take it in between.
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;
  const exportsDir = await mkdtemp(join(tmpdir(), 'firestore-restart-'));

  return {
    host: `127.0.0.1:${port}`,
    projectId,
    async restart({ downMs = 0 } = {}) {
      const started = Date.now();
      target = null;
      for (const socket of sockets) socket.destroy();
      const dir = join(exportsDir, String(started));
      await emulator.exportTo(dir);
      await emulator.stop();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      emulator = await startFirestoreEmulator({ projectId, importFile: await exportMetadata(dir) });
      target = emulator.port;
      return { downMs: Date.now() - started };
    },
    async stop() {
      target = null;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await emulator.stop();
      await rm(exportsDir, { recursive: true, force: true });
    },
  };
}

/** The `*.overall_export_metadata` file an export wrote under `dir`. */
async function exportMetadata(dir: string): Promise<string> {
  for (const entry of await readdir(dir, { recursive: true })) {
    if (entry.endsWith('.overall_export_metadata')) return join(dir, entry);
  }
  throw new Error(`no export metadata under ${dir}`);
}
