import type { ModelSort, ModelStatusFilter } from '../../../../shared/schemas/api';
import { MODEL_SORTS, MODEL_STATUS_FILTERS } from '../../../../shared/schemas/api';
import type { ModelType } from '../../../../shared/schemas/common';
import { COLLECTIONS } from './collections';

/**
 * Every query the version repository runs is first described as a QueryShape; the repository
 * builds the Firestore query from the shape, and a test checks that each possible shape has its
 * composite index in firestore.indexes.json. A query the code can run without an index therefore
 * fails in `npm test`, not in production.
 */
export interface QueryShape {
  collection: string;
  equalities: { field: string; value: unknown }[];
  arrayContains: { field: string; value: unknown } | null;
  order: { field: string; direction: 'asc' | 'desc' } | null;
}

export const SORT_ORDER: Record<ModelSort, { field: string; direction: 'asc' | 'desc' }> = {
  latest: { field: 'registeredAt', direction: 'desc' },
  oldest: { field: 'registeredAt', direction: 'asc' },
  best: { field: 'bestScore', direction: 'desc' },
  name: { field: 'nameLower', direction: 'asc' },
};

export function statusEquality(status: ModelStatusFilter): { field: string; value: unknown } {
  switch (status) {
    case 'blessed': return { field: 'blessed', value: true };
    case 'not_blessed': return { field: 'blessed', value: false };
    default: return { field: 'status', value: status };
  }
}

export interface ListShapeParams {
  modelType?: ModelType;
  status?: ModelStatusFilter;
  sort: ModelSort;
  searchToken?: string;
}

export function listShape(p: ListShapeParams): QueryShape {
  const equalities: QueryShape['equalities'] = [{ field: 'archived', value: false }];
  if (p.modelType) equalities.push({ field: 'modelType', value: p.modelType });
  if (p.status) equalities.push(statusEquality(p.status));
  return {
    collection: COLLECTIONS.versions,
    equalities,
    arrayContains: p.searchToken === undefined ? null : { field: 'searchTokens', value: p.searchToken },
    order: SORT_ORDER[p.sort],
  };
}

export function summaryCountShapes(): QueryShape[] {
  const base = { collection: COLLECTIONS.versions, arrayContains: null, order: null };
  const live = { field: 'archived', value: false };
  return [
    { ...base, equalities: [live] },
    { ...base, equalities: [live, { field: 'blessed', value: true }] },
    { ...base, equalities: [live, { field: 'status', value: 'deployed' }] },
    { ...base, equalities: [live, { field: 'status', value: 'idle' }] },
    { ...base, equalities: [live, { field: 'status', value: 'not_blessed' }] },
    { ...base, equalities: [live, { field: 'status', value: 'pending' }] },
  ];
}

export function familyHistoryShape(familyId: string): QueryShape {
  return {
    collection: COLLECTIONS.versions,
    equalities: [{ field: 'familyId', value: familyId }],
    arrayContains: null,
    order: { field: 'version', direction: 'desc' },
  };
}

export function familyRunsShape(familyId: string): QueryShape {
  return {
    collection: COLLECTIONS.trainingRuns,
    equalities: [{ field: 'familyId', value: familyId }],
    arrayContains: null,
    order: { field: 'runNumber', direction: 'desc' },
  };
}

/** All shapes the read API can produce (the index test walks these). */
export function allReadShapes(): QueryShape[] {
  const shapes: QueryShape[] = [];
  for (const modelType of [undefined, 'retrieval'] as const) {
    for (const status of [undefined, ...MODEL_STATUS_FILTERS]) {
      for (const sort of MODEL_SORTS) {
        for (const searchToken of [undefined, 'x']) {
          shapes.push(listShape({ modelType, status, sort, searchToken }));
        }
      }
    }
  }
  shapes.push(...summaryCountShapes(), familyHistoryShape('f'), familyRunsShape('f'));
  return shapes;
}
