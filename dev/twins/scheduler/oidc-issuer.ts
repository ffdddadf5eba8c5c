import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { freePort } from '../../lib/free-port';

export type OidcSigner = (claims: { aud: string; email: string }) => Promise<string>;

/** Mints the OIDC-style tokens the twin puts on HTTP targets, and publishes the key that verifies them. */
export interface OidcIssuer {
  readonly issuer: string;
  readonly jwks: { keys: JWK[] };
  readonly jwksUrl: string;
  sign: OidcSigner;
  stop(): Promise<void>;
}

const TOKEN_LIFETIME_SECONDS = 3600;

/** Google puts the service account's numeric unique id in `sub`; the twin derives a stable one from the email. */
function numericSubject(email: string): string {
  const hash = BigInt(`0x${createHash('sha256').update(email).digest('hex').slice(0, 16)}`);
  return `1${(hash % 10n ** 20n).toString().padStart(20, '0')}`;
}

/**
 * Starts a small HTTP server publishing the JWKS (and an OpenID discovery document) on 127.0.0.1.
 * With an injected `signer` the twin holds no key, so the published key set is empty.
 */
export async function startOidcIssuer(signer?: OidcSigner): Promise<OidcIssuer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const jwksUrl = `${issuer}/jwks.json`;
  const jwks: { keys: JWK[] } = { keys: [] };
  let sign: OidcSigner;

  if (signer) {
    sign = signer;
  } else {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    jwks.keys.push({ ...publicJwk, kid, alg: 'RS256', use: 'sig' });
    sign = ({ aud, email }) => {
      const issuedAt = Math.floor(Date.now() / 1000);
      // Real wall-clock times even under an injected twin clock: verifiers check `exp` against real time.
      return new SignJWT({ email, email_verified: true })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(numericSubject(email))
        .setAudience(aud)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + TOKEN_LIFETIME_SECONDS)
        .sign(privateKey);
    };
  }

  const discovery = { issuer, jwks_uri: jwksUrl, id_token_signing_alg_values_supported: ['RS256'] };
  const server: Server = createServer((req, res) => {
    const body = req.url === '/jwks.json' ? jwks
      : req.url === '/.well-known/openid-configuration' ? discovery
      : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  return {
    issuer,
    jwks,
    jwksUrl,
    sign,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
