import type { Role, RoleDirectory } from '../../../../shared/ports';
import type { FirestoreProvider } from './client';
import { COLLECTIONS } from './collections';

const ROLES: readonly Role[] = ['viewer', 'editor', 'deployer'];
const TTL_MS = 60_000;

/** Roles granted in Firestore (`roles/{email}` → `{ role }`), cached briefly per instance. */
export class FirestoreRoleDirectory implements RoleDirectory {
  private readonly cache = new Map<string, { role: Role | null; expires: number }>();

  constructor(private readonly firestore: FirestoreProvider, private readonly now: () => number = Date.now) {}

  async roleOf(email: string): Promise<Role | null> {
    const key = email.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.now()) return hit.role;
    const { db } = await this.firestore();
    const snap = await db.collection(COLLECTIONS.roles).doc(key).get();
    const value = snap.get('role');
    const role = ROLES.includes(value) ? (value as Role) : null;
    this.cache.set(key, { role, expires: this.now() + TTL_MS });
    return role;
  }
}
