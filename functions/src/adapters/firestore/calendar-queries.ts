import type { Query } from '@google-cloud/firestore';
import type { FirestoreHandle } from './client';
import { COLLECTIONS } from './collections';
import type { QueryShape } from './version-queries';
import { buildQuery } from './version-repository';

/**
 * The training calendar's queries. A range is always on the shape's order field: Firestore then
 * serves it from the field's single-field index (plus the equalities' composite, if any), so
 * `requiredIndex` computes the right index without knowing about ranges.
 */
export interface RangeQueryShape extends QueryShape {
  order: { field: string; direction: 'asc' | 'desc' };
  /** Half-open [from, to) on `order.field`. */
  range: { from: unknown; to: unknown };
}

export function activeSchedulesShape(): QueryShape {
  return {
    collection: COLLECTIONS.schedules,
    equalities: [{ field: 'state', value: 'active' }],
    arrayContains: null,
    order: null,
  };
}

/** A family's latest blessed version: one document read per family. */
export function lastBlessedVersionShape(familyId: string): QueryShape {
  return {
    collection: COLLECTIONS.versions,
    equalities: [{ field: 'familyId', value: familyId }, { field: 'blessed', value: true }],
    arrayContains: null,
    order: { field: 'registeredAt', direction: 'desc' },
  };
}

/** Every shape the calendar runs, for `allQueryShapes()` and the index test. */
export function calendarQueryShapes(): QueryShape[] {
  return [
    activeSchedulesShape(),
    lastBlessedVersionShape('f'),
  ];
}

export function buildRangeQuery(handle: FirestoreHandle, shape: RangeQueryShape): Query {
  const { field } = shape.order;
  return buildQuery(handle, shape).where(field, '>=', shape.range.from).where(field, '<', shape.range.to);
}
