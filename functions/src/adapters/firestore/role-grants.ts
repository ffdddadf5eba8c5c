import type { Role } from '../../../../shared/ports';
import { ROLE_NAMES, RoleGrant, type RoleChangeResult } from '../../../../shared/schemas/roles';
import { AUDITED_TX, openAuditChain } from './audit-log';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { transact } from './transact';
import { COLLECTIONS } from './collections';
import { guarded } from './firestore-errors';
import { timestampsToIso } from './timestamps';

const roleOf = (value: unknown): Role | null => (ROLE_NAMES as readonly unknown[]).includes(value) ? (value as Role) : null;

/**
 * Grants in `roles/{email}` (what FirestoreRoleDirectory reads), each change audited in its
 * transaction (`role.changed`). ROLE_BINDINGS, being configuration, still take precedence.
 */
export class FirestoreRoleGrants {
  constructor(private readonly firestore: FirestoreProvider, private readonly now: () => Date) {}

  set(p: { email: string; role: Role | null; actor: string; reason: string | null }): Promise<RoleChangeResult> {
    return this.run(({ db }) => transact(db, async (tx) => {
      const ref = db.collection(COLLECTIONS.roles).doc(p.email);
      const snap = await tx.get(ref);
      const previous = snap.exists ? roleOf(snap.get('role')) : null;
      if (previous === p.role) return { changed: false, email: p.email, role: p.role, previous };
      const audit = await openAuditChain(tx, db, this.now);
      if (p.role) tx.set(ref, { role: p.role, grantedBy: p.actor, grantedAt: this.now() });
      else tx.delete(ref);
      audit.append({ kind: 'role.changed', familyId: null, subject: p.email, actor: p.actor, reason: p.reason, before: { role: previous }, after: { role: p.role } });
      return { changed: true, email: p.email, role: p.role, previous };
    }, AUDITED_TX));
  }

  list(): Promise<RoleGrant[]> {
    return this.run(async ({ db }) => {
      const snapshot = await db.collection(COLLECTIONS.roles).get();
      return snapshot.docs.flatMap((d) => {
        const role = roleOf(d.get('role'));
        const data = timestampsToIso(d.data()) as { grantedBy?: string; grantedAt?: string };
        return role ? [RoleGrant.parse({ email: d.id, role, grantedBy: data.grantedBy ?? null, grantedAt: data.grantedAt ?? null })] : [];
      });
    });
  }

  private async run<T>(fn: (handle: FirestoreHandle) => Promise<T>): Promise<T> {
    return guarded(async () => fn(await this.firestore()));
  }
}
