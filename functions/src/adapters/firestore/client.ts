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
 * REST transport avoids loading gRPC at all for the simple reads the API does; the emulator is
 * reached over gRPC because the REST fallback insists on real credentials.
 */
export function lazyFirestore(options: FirestoreOptions): FirestoreProvider {
  let handle: Promise<FirestoreHandle> | undefined;
  return () =>
    (handle ??= import('@google-cloud/firestore').then((fs) => ({
      fs,
      db: new fs.Firestore({
        projectId: options.projectId,
        databaseId: options.databaseId,
        ignoreUndefinedProperties: true,
        preferRest: !process.env.FIRESTORE_EMULATOR_HOST,
      }),
    })));
}
