import { COLLECTIONS } from './collections';
import type { RangeQueryShape } from './calendar-queries';
import type { QueryShape } from './version-queries';

/**
 * Queries of scheduled retraining (schedule CRUD, trigger, run sync), described as shapes so that
 * the index test covers them (add `trainingQueryShapes()` to `allQueryShapes()`).
 */

/** The schedules list, newest first. */
export function scheduleListShape(): QueryShape {
  return { collection: COLLECTIONS.schedules, equalities: [], arrayContains: null, order: { field: 'createdAt', direction: 'desc' } };
}

/** Runs whose pipeline is under way, oldest start first (the sync's work list). */
export function runningRunsShape(): QueryShape {
  return {
    collection: COLLECTIONS.trainingRuns,
    equalities: [{ field: 'status', value: 'running' }],
    arrayContains: null,
    order: { field: 'startedAt', direction: 'asc' },
  };
}

/** Runs created by a firing whose pipeline never started, due before `cutoff` (ISO). */
export function scheduledBeforeShape(cutoff: string): RangeQueryShape {
  return {
    collection: COLLECTIONS.trainingRuns,
    equalities: [{ field: 'status', value: 'scheduled' }],
    arrayContains: null,
    order: { field: 'scheduledFor', direction: 'asc' },
    // Every ISO string sorts after ''.
    range: { from: '', to: cutoff },
  };
}

/** The highest run number given so far (seeds the run counter once). */
export function latestRunNumberShape(): QueryShape {
  return { collection: COLLECTIONS.trainingRuns, equalities: [], arrayContains: null, order: { field: 'runNumber', direction: 'desc' } };
}

export function trainingQueryShapes(): QueryShape[] {
  return [scheduleListShape(), runningRunsShape(), scheduledBeforeShape(''), latestRunNumberShape()];
}
