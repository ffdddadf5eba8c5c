import { auditQueryShapes } from './audit-log';
import { calendarQueryShapes } from './calendar-queries';
import { registryWriteShapes } from './registry-queries';
import { trainingQueryShapes } from './training-queries';
import { allReadShapes, type QueryShape } from './version-queries';

/** Every shape any function can run; later modules add theirs here. */
export function allQueryShapes(): QueryShape[] {
  return [...allReadShapes(), ...calendarQueryShapes(), ...trainingQueryShapes(), ...registryWriteShapes(), ...auditQueryShapes()];
}

export interface IndexField { fieldPath: string; order?: 'ASCENDING' | 'DESCENDING'; arrayConfig?: 'CONTAINS' }
export interface CompositeIndex { collectionGroup: string; queryScope: 'COLLECTION'; fields: IndexField[] }

/**
 * The composite index a shape needs, or null when single-field indexes serve it (one field only,
 * or equalities alone, which Firestore merges). Equality fields are sorted by name so that the
 * same index is produced whatever order the code adds filters in.
 */
export function requiredIndex(shape: QueryShape): CompositeIndex | null {
  const eqFields = [...new Set(shape.equalities.map((e) => e.field))].sort();
  const fieldCount = eqFields.length + (shape.arrayContains ? 1 : 0) + (shape.order ? 1 : 0);
  if (fieldCount <= 1) return null;
  if (!shape.arrayContains && !shape.order) return null;
  if (shape.order && eqFields.length === 0 && !shape.arrayContains) return null;
  const fields: IndexField[] = eqFields.map((fieldPath) => ({ fieldPath, order: 'ASCENDING' }));
  if (shape.arrayContains) fields.push({ fieldPath: shape.arrayContains.field, arrayConfig: 'CONTAINS' });
  if (shape.order) fields.push({ fieldPath: shape.order.field, order: shape.order.direction === 'asc' ? 'ASCENDING' : 'DESCENDING' });
  return { collectionGroup: shape.collection, queryScope: 'COLLECTION', fields };
}

export function indexKey(index: CompositeIndex): string {
  return `${index.collectionGroup}|${index.queryScope}|${index.fields
    .map((f) => `${f.fieldPath}:${f.order ?? f.arrayConfig}`)
    .join(',')}`;
}

/** Every composite index the code's query shapes need, deduplicated, in a stable order. */
export function requiredIndexes(): CompositeIndex[] {
  const byKey = new Map<string, CompositeIndex>();
  for (const shape of allQueryShapes()) {
    const index = requiredIndex(shape);
    if (index) byKey.set(indexKey(index), index);
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, index]) => index);
}

/**
 * Search tokens are only queried through composite indexes; exempting them from single-field
 * indexing saves hundreds of index entries per version.
 */
export function fieldOverrides() {
  return [{ collectionGroup: 'versions', fieldPath: 'searchTokens', indexes: [] }];
}
