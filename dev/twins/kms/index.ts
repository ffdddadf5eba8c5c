// A local twin of Cloud KMS (KeyManagementService: key rings, asymmetric-sign keys and versions,
// GetPublicKey, AsymmetricSign) that speaks gRPC to the unmodified @google-cloud/kms client. See ./README.md.
import { grpc } from 'google-gax';
import { Faults, type FaultPlan } from '../vertex/faults';
import { serve } from '../vertex/server';
import { KeyStore, type KeyVersionRecord } from './key-store';
import { kmsService } from './kms-service';
import { loadKmsProtos } from './protos';

export interface KmsTwinOptions {
  /** Default: a free port. */
  port?: number;
  /** JSON file the keys (private halves included) are loaded from and saved to. Default: memory only. */
  stateFile?: string;
  /**
   * Asymmetric-sign keys (`projects/p/locations/l/keyRings/r/cryptoKeys/k`) created with their
   * key ring and one EC_SIGN_P256_SHA256 version at start, unless they exist already.
   */
  signingKeys?: string[];
}

export interface KmsTwin {
  readonly port: number;
  readonly address: string;
  /** Same switch as the Vertex twin: `{ unavailable: n }`, `{ failMethod: { method: 'AsymmetricSign', code, message, times? } }`. */
  faults: { set(plan: FaultPlan): void; clear(): void };
  /** The versions of a key, public halves only. */
  versions(keyName: string): Array<Pick<KeyVersionRecord, 'name' | 'state' | 'publicKeyPem'>>;
  stop(): Promise<void>;
}

const KEY_NAME = /^(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+)\/cryptoKeys\/([^/]+)$/;

export async function startKmsTwin(opts: KmsTwinOptions = {}): Promise<KmsTwin> {
  const store = new KeyStore(opts.stateFile);
  const now = () => new Date();
  for (const name of opts.signingKeys ?? []) {
    const match = KEY_NAME.exec(name);
    if (!match) throw new Error(`kms twin: not a crypto key name: ${name}`);
    if (!store.keyRings.has(match[1]!)) store.keyRings.set(match[1]!, { name: match[1]!, createTime: now().toISOString() });
    if (!store.cryptoKeys.has(name)) {
      const key = { name, purpose: 'ASYMMETRIC_SIGN', algorithm: 'EC_SIGN_P256_SHA256', createTime: now().toISOString(), nextVersion: 1, versions: [] };
      store.addVersion(key, now());
      store.cryptoKeys.set(name, key);
    }
  }
  store.changed();
  const faults = new Faults();
  const { server, port } = await serve(loadKmsProtos(), faults, {
    'google.cloud.kms.v1.KeyManagementService': kmsService(store, { now }),
  }, opts.port ?? 0);
  return {
    port,
    address: `127.0.0.1:${port}`,
    faults: { set: (plan) => faults.set(plan), clear: () => faults.clear() },
    versions: (keyName) => (store.cryptoKeys.get(keyName)?.versions ?? []).map(({ name, state, publicKeyPem }) => ({ name, state, publicKeyPem })),
    stop: () => new Promise<void>((resolve) => {
      const force = setTimeout(() => server.forceShutdown(), 1000);
      server.tryShutdown(() => { clearTimeout(force); resolve(); });
    }),
  };
}

/** Options for KeyManagementServiceClient to talk to the twin (sslCreds from gax's own grpc copy). */
export function kmsClientOptions(port: number): { apiEndpoint: string; port: number; sslCreds: grpc.ChannelCredentials } {
  return { apiEndpoint: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure() };
}
