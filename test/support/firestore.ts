import type { Firestore } from '@google-cloud/firestore';
import { startFirestoreEmulator, type FirestoreEmulator } from '../../dev/emulators/firestore';

let emulator: Promise<FirestoreEmulator> | undefined;
let client: Firestore | undefined;

/**
 * One Google Firestore emulator per test run, started on first use on a free port; each suite
 * resets it. Stopped by the root teardown in test/setup.ts.
 */
export async function sharedFirestoreEmulator(): Promise<FirestoreEmulator> {
  emulator ??= startFirestoreEmulator();
  const e = await emulator;
  // Re-asserted on every call: suites that start a whole local stack point the variable at the
  // stack's own emulator, and clients built afterwards must find the shared one again.
  process.env.FIRESTORE_EMULATOR_HOST = e.host;
  process.env.GOOGLE_CLOUD_PROJECT = e.projectId;
  return e;
}

/** A server-SDK client on the shared emulator (for seeding and inspecting). */
export async function testFirestore(): Promise<Firestore> {
  const e = await sharedFirestoreEmulator();
  if (!client) {
    const { Firestore } = await import('@google-cloud/firestore');
    client = new Firestore({ projectId: e.projectId, ignoreUndefinedProperties: true });
  }
  return client;
}

export async function stopSharedFirestoreEmulator(): Promise<void> {
  if (client) await client.terminate().catch(() => undefined);
  if (emulator) await (await emulator).stop();
  client = undefined;
  emulator = undefined;
}
