import type { Role } from '../../../shared/ports';
import type { TokenVerifier } from './auth';

export const DEV_ISSUER = 'model-registry-dev';
export const DEV_AUDIENCE = 'model-registry-api';
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
const GOOGLE_JWKS = 'https://www.googleapis.com/oauth2/v3/certs';
const ROLES: readonly string[] = ['viewer', 'editor', 'deployer'];

// jose is ESM-only, so it is imported dynamically: once, since each `import()` goes through the
// module loader again (a few hundred µs per request under a burst).
let joseModule: Promise<typeof import('jose')> | undefined;
const loadJose = () => (joseModule ??= import('jose'));

/** Google-issued ID tokens (users through IAP/OAuth, service accounts), checked against Google's JWKS. */
export function googleIdTokenVerifier(audience: string, jwksUrl = GOOGLE_JWKS, issuers = GOOGLE_ISSUERS): TokenVerifier {
  let jwks: Promise<ReturnType<typeof import('jose').createRemoteJWKSet>> | undefined;
  return {
    async verify(token) {
      const jose = await loadJose();
      jwks ??= Promise.resolve(jose.createRemoteJWKSet(new URL(jwksUrl)));
      const { payload } = await jose.jwtVerify(token, await jwks, { issuer: issuers, audience, algorithms: ['RS256'] });
      const email = typeof payload.email === 'string' && payload.email_verified !== false ? payload.email : null;
      return { subject: String(payload.sub), email };
    },
  };
}

/** Local-stack tokens, signed with a secret that `npm start` generates under the data directory. */
export function devTokenVerifier(secret: string): TokenVerifier {
  // Imported once: given the raw bytes, jose would import the key again for every token.
  let key: Promise<CryptoKey> | undefined;
  const hmacKey = () => (key ??= crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
  return {
    async verify(token) {
      const { jwtVerify } = await loadJose();
      const { payload } = await jwtVerify(token, await hmacKey(), { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: ['HS256'] });
      const role = typeof payload.role === 'string' && ROLES.includes(payload.role) ? (payload.role as Role) : undefined;
      return { subject: String(payload.sub), email: typeof payload.email === 'string' ? payload.email : null, role };
    },
  };
}

export async function signDevToken(
  secret: string,
  claims: { role: Role | 'none'; email: string; ttlSeconds?: number },
): Promise<string> {
  const { SignJWT } = await loadJose();
  const jwt = new SignJWT({ email: claims.email, ...(claims.role === 'none' ? {} : { role: claims.role }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.email)
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt();
  jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (claims.ttlSeconds ?? 12 * 3600));
  return jwt.sign(new TextEncoder().encode(secret));
}
