// Tests never talk to Google: no metadata-server probing, no real credentials.
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.GOOGLE_CLOUD_PROJECT ??= 'demo-registry';

import { stopSharedFirestoreEmulator } from './support/firestore';

/** Root hook: stop the shared emulator once every suite has run. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopSharedFirestoreEmulator();
}
