import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** One key version: its EC P-256 key pair as PEM (the twin's stand-in for an HSM-held key). */
export interface KeyVersionRecord {
  name: string;
  state: 'ENABLED' | 'DISABLED' | 'DESTROYED';
  algorithm: string;
  createTime: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface CryptoKeyRecord {
  name: string;
  purpose: string;
  algorithm: string;
  createTime: string;
  /** Version numbers are never reused. */
  nextVersion: number;
  versions: KeyVersionRecord[];
}

interface Snapshot {
  keyRings: Array<{ name: string; createTime: string }>;
  cryptoKeys: CryptoKeyRecord[];
}

/**
 * Key rings, keys and key versions; with a file, loaded at start and saved after each change, so that
 * a restarted twin signs with the same keys and old signatures stay verifiable.
 */
export class KeyStore {
  readonly keyRings = new Map<string, { name: string; createTime: string }>();
  readonly cryptoKeys = new Map<string, CryptoKeyRecord>();

  constructor(private readonly file?: string) {
    const snapshot = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Snapshot) : undefined;
    for (const ring of snapshot?.keyRings ?? []) this.keyRings.set(ring.name, ring);
    for (const key of snapshot?.cryptoKeys ?? []) this.cryptoKeys.set(key.name, key);
  }

  /** Generates a new version of a key (EC P-256, the only asymmetric algorithm the twin makes). */
  addVersion(key: CryptoKeyRecord, now: Date): KeyVersionRecord {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const version: KeyVersionRecord = {
      name: `${key.name}/cryptoKeyVersions/${key.nextVersion++}`,
      state: 'ENABLED',
      algorithm: key.algorithm,
      createTime: now.toISOString(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    key.versions.push(version);
    return version;
  }

  findVersion(name: string): KeyVersionRecord | undefined {
    const keyName = name.replace(/\/cryptoKeyVersions\/[^/]+$/, '');
    return this.cryptoKeys.get(keyName)?.versions.find((v) => v.name === name);
  }

  changed(): void {
    if (!this.file) return;
    const snapshot: Snapshot = { keyRings: [...this.keyRings.values()], cryptoKeys: [...this.cryptoKeys.values()] };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(snapshot), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}
