import { ForbiddenError, UnauthenticatedError } from '../../../shared/errors';
import type { Role, RoleDirectory } from '../../../shared/ports';
import { roleAllows } from './roles';

export interface Principal {
  subject: string;
  email: string | null;
  role: Role | null;
}

export interface VerifiedToken {
  subject: string;
  email: string | null;
  /** Only dev tokens carry a role; Google ID tokens get theirs from bindings or Firestore. */
  role?: Role;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}

export function createAuthenticator(
  verifier: TokenVerifier,
  bindings: Record<string, Role>,
  directory: RoleDirectory | null,
): Authenticator {
  return {
    async authenticate(authorization) {
      const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(authorization ?? '');
      if (!match) throw new UnauthenticatedError('Send `Authorization: Bearer <token>`');
      let token: VerifiedToken;
      try {
        token = await verifier.verify(match[1]!);
      } catch {
        throw new UnauthenticatedError('The bearer token is invalid or expired');
      }
      const role = token.role ?? (await resolveRole(token.email, bindings, directory));
      return { subject: token.subject, email: token.email, role };
    },
  };
}

async function resolveRole(email: string | null, bindings: Record<string, Role>, directory: RoleDirectory | null) {
  if (!email) return null;
  const key = email.toLowerCase();
  const bound = bindings[key] ?? bindings[`*@${key.split('@')[1]}`];
  if (bound) return bound;
  return directory ? directory.roleOf(key) : null;
}

export function requireRole(principal: Principal, required: Role): void {
  if (!roleAllows(principal.role, required)) throw new ForbiddenError(required, principal.role);
}
