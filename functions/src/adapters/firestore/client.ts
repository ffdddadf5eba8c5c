import type { Firestore } from '@google-cloud/firestore';

export type FirestoreModule = typeof import('@google-cloud/firestore');
export interface FirestoreHandle {
  db: Firestore;
  fs: FirestoreModule;
}
export type FirestoreProvider = () => Promise<FirestoreHandle>;

export interface FirestoreOptions {
  projectId: string;
  databaseId: string;
}

/**
 * The client module and instance are created on first use (the promise is cached): loading the
 * library costs cold-start time that requests which never touch Firestore should not pay.
 * REST transport avoids loading gRPC at all for the simple reads the API does. The emulator is
 * reached over gRPC unless FIRESTORE_PREFER_REST=true (the cold-start bench, to measure what
 * production loads): the REST fallback insists on credentials, so it gets the emulator's `owner` token.
 */
export function lazyFirestore(options: FirestoreOptions): FirestoreProvider {
  let handle: Promise<FirestoreHandle> | undefined;
  return () =>
    (handle ??= import('@google-cloud/firestore').then(async (fs) => {
      const emulator = process.env.FIRESTORE_EMULATOR_HOST;
      const restToEmulator = Boolean(emulator) && process.env.FIRESTORE_PREFER_REST === 'true';
      return {
        fs,
        db: new fs.Firestore({
          projectId: options.projectId,
          databaseId: options.databaseId,
          ignoreUndefinedProperties: true,
          preferRest: !emulator || restToEmulator,
          ...(restToEmulator ? await emulatorRestSettings(emulator!) : {}),
        }),
      };
    }));
}

async function emulatorRestSettings(emulatorHost: string) {
  const { OAuth2Client } = await import('google-auth-library');
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'owner', expiry_date: Date.now() + 365 * 86_400_000 });
  const [host, port] = emulatorHost.split(':');
  return { host, port: Number(port), ssl: false, authClient };
}
