import type { Role } from './types';

/** The bearer token lives in localStorage; `#token=…` in the URL (the start script's link) is taken once. */
const STORAGE_KEY = 'model-registry.token';

export function storedToken(): string | null {
  return localStorage.getItem(STORAGE_KEY);
}

export function storeToken(token: string): void {
  localStorage.setItem(STORAGE_KEY, token.trim());
}

export function forgetToken(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/**
 * Moves a `#token=` fragment into storage and strips it from the address bar (and history).
 * True when there was one.
 */
export function takeTokenFromFragment(): boolean {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token');
  if (!token) return false;
  storeToken(token);
  fragment.delete('token');
  const rest = fragment.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return true;
}

export interface Identity {
  email: string | null;
  /** Known only for tokens that carry it (local dev tokens); otherwise the server decides. */
  role: Role | null;
}

/** Reads the token's claims for display and to grey out actions; the server still checks everything. */
export function identityOf(token: string | null): Identity {
  try {
    const payload = token?.split('.')[1];
    if (!payload) return { email: null, role: null };
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    const role = claims.role === 'viewer' || claims.role === 'editor' || claims.role === 'deployer' ? claims.role : null;
    return { email: typeof claims.email === 'string' ? claims.email : null, role };
  } catch {
    return { email: null, role: null };
  }
}

const RANK: Record<Role, number> = { viewer: 1, editor: 2, deployer: 3 };

/** False only when the token says the role is too low; unknown roles are left to the server. */
export function mayAct(identity: Identity, required: Role): boolean {
  return identity.role === null || RANK[identity.role] >= RANK[required];
}
