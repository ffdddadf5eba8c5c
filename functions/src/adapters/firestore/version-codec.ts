import { ModelVersion } from '../../../../shared/schemas/model-version';
import { deriveStatus } from '../../../../shared/domain/status';
import { bestScore } from '../../../../shared/domain/primary-metric';
import { normalizeForSearch, searchTokens } from '../../../../shared/domain/search-tokens';
import { timestampsToIso } from './timestamps';

/** Fields stored only to serve queries; never returned to callers. */
const QUERY_ONLY_FIELDS = ['status', 'nameLower', 'searchTokens', 'bestScore'] as const;

/** The fields a list/detail read needs: everything but the search tokens (select() keeps pages small). */
export const VERSION_READ_FIELDS: string[] = Object.keys(ModelVersion.shape);

export function versionToDoc(version: ModelVersion): Record<string, unknown> {
  return {
    ...version,
    registeredAt: new Date(version.registeredAt),
    status: deriveStatus(version),
    nameLower: normalizeForSearch(version.name),
    // The family id is searchable too: scheduled runs name their versions after the run (TR-n).
    searchTokens: [...new Set([...searchTokens(version.name), ...searchTokens(version.familyId)])],
    bestScore: bestScore(version.modelType, version.metrics),
  };
}

export function versionFromDoc(data: Record<string, unknown>): ModelVersion {
  const plain = timestampsToIso(data) as Record<string, unknown>;
  for (const field of QUERY_ONLY_FIELDS) delete plain[field];
  return ModelVersion.parse(plain);
}
