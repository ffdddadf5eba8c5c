import type { Clock } from '../../../shared/ports';
import type { DigestSigner } from '../../../shared/signing-ports';
import type { FirestoreProvider } from '../adapters/firestore/client';
import { FirestoreSignatureStore } from '../adapters/firestore/signature-store';
import { FirestoreVersionRepository } from '../adapters/firestore/version-repository';
import { GcsObjectStore, lazyStorage } from '../adapters/gcs/object-store';
import { KmsDigestSigner, lazyKmsClient } from '../adapters/kms/kms-signer';
import { VersionSigning } from '../app/version-signing';
import type { Logger } from '../log';
import type { SigningConfig } from '../signing-config';

export interface BuiltSigning {
  signing: VersionSigning;
  /** The same KMS key, for the audit chain's checkpoints. */
  signer: DigestSigner;
  /** Where the key versions that signed are remembered (GET /api/signing-key). */
  keys: FirestoreSignatureStore;
  /** Closes the KMS client if one was built. */
  close(): Promise<void>;
}

/**
 * Version signing wired from configuration (register, the API's promotion and routes, the minute
 * job); null when SIGNING_KEY or the registry bucket is not configured. No client is built here.
 */
export function buildVersionSigning(deps: {
  signing: SigningConfig | null;
  registryBucket: string | null;
  projectId: string;
  storageApiEndpoint: string | null;
  firestore: FirestoreProvider;
  log: Logger;
  clock?: Clock;
}): BuiltSigning | null {
  if (!deps.signing || !deps.registryBucket) return null;
  const kms = lazyKmsClient(deps.signing);
  let built = false;
  const client = () => {
    built = true;
    return kms();
  };
  const signer = new KmsDigestSigner(client, deps.signing.keyName);
  const keys = new FirestoreSignatureStore(deps.firestore);
  const signing = new VersionSigning({
    signer,
    store: keys,
    objects: new GcsObjectStore(lazyStorage({ projectId: deps.projectId, apiEndpoint: deps.storageApiEndpoint })),
    versions: new FirestoreVersionRepository(deps.firestore),
    registryBucket: deps.registryBucket,
    clock: deps.clock ?? { now: () => new Date() },
    log: deps.log,
  });
  return {
    signing, signer, keys,
    async close() {
      if (built) await (await kms()).close();
    },
  };
}
