import type { VersionStatus } from '../schemas/model-version';

export const STATUS_BADGES = {
  deployed: 'DEPLOYED',
  idle: 'IDLE',
  not_blessed: 'NOT BLESSED',
  pending: 'PENDING',
} as const satisfies Record<VersionStatus, string>;
export type StatusBadge = (typeof STATUS_BADGES)[VersionStatus];

/**
 * One status per version, in the seed's precedence: serving beats everything (a force-deployed,
 * not-blessed version is still DEPLOYED), then the blessing decides.
 */
export function deriveStatus(v: { blessed: boolean | null; deployed: boolean }): VersionStatus {
  if (v.deployed) return 'deployed';
  if (v.blessed === null) return 'pending';
  return v.blessed ? 'idle' : 'not_blessed';
}
