import type { QueryShape } from './version-queries';

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
