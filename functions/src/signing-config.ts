import { z } from 'zod';
import { ConfigError } from '../../shared/errors';
import { envReader } from './env';

/**
 * Where versions are signed (README "Signed provenance"): a Cloud KMS EC_SIGN_P256_SHA256 key. Read
 * by every function that registers or promotes a version, the minute job that retries signatures,
 * and the API. Without SIGNING_KEY, versions are registered unsigned (`signature: null`).
 */
export interface SigningConfig {
  /**
   * A key version (`…/cryptoKeys/<k>/cryptoKeyVersions/<n>`: pinned, what Terraform sets) or a key
   * (`…/cryptoKeys/<k>`: its newest enabled version, which needs permission to list versions).
   */
  keyName: string;
  /** Twins only: host and port replacing cloudkms.googleapis.com. */
  apiEndpoint: string | null;
  port: number | null;
}

const KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+(\/cryptoKeyVersions\/[0-9]+)?$/;

const rules = {
  SIGNING_KEY: z.string().regex(KEY, 'must be projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>[/cryptoKeyVersions/<n>]').optional(),
  KMS_API_ENDPOINT: z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or address (no scheme, no port)').optional(),
  KMS_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
};

export const SIGNING_ENV_VARS = Object.keys(rules);
/** Production signs every version: Terraform must name the key for each function that signs. */
export const SIGNING_REQUIRED_ENV_VARS = ['SIGNING_KEY'];

const read = envReader(rules);

export function parseSigningConfig(env: NodeJS.ProcessEnv = process.env): SigningConfig | null {
  const keyName = read(env, 'SIGNING_KEY');
  const apiEndpoint = read(env, 'KMS_API_ENDPOINT') ?? null;
  const port = read(env, 'KMS_API_PORT') ?? null;
  if (port !== null && apiEndpoint === null) throw new ConfigError('KMS_API_PORT', 'needs KMS_API_ENDPOINT');
  return keyName ? { keyName, apiEndpoint, port } : null;
}
