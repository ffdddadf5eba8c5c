import type { Role } from '../../../shared/ports';

const RANK: Record<Role, number> = { viewer: 1, editor: 2, deployer: 3 };

/** viewer < editor < deployer: a higher role may do everything a lower one may. */
export function roleAllows(actual: Role | null, required: Role): boolean {
  return actual !== null && RANK[actual] >= RANK[required];
}
