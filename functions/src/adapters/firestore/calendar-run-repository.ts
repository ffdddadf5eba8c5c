import type { ReadMeter } from '../../../../shared/ports';
import type { TrainingRun } from '../../../../shared/schemas/training-run';
import type { Bounded, CalendarRunReader } from '../../app/calendar';
import type { FirestoreProvider } from './client';
import { buildRangeQuery, lastBlessedVersionShape, runsBetweenShape, type RunTimeField } from './calendar-queries';
import { runFromDoc } from './run-repository';
import { buildQuery } from './version-repository';

/**
 * The calendar's reads of runs and versions. Runs are found by range over their start and due
 * times, so a read costs the runs in the window, not the whole history.
 */
export class FirestoreCalendarRunRepository implements CalendarRunReader {
  constructor(private readonly firestore: FirestoreProvider, private readonly meter: ReadMeter = { add() {} }) {}

  async runsBetween(from: Date, to: Date, limit: number): Promise<Bounded<TrainingRun>> {
    const handle = await this.firestore();
    const byField = async (field: RunTimeField) => {
      const shape = runsBetweenShape(field, from.toISOString(), to.toISOString());
      const snapshot = await buildRangeQuery(handle, shape).limit(limit + 1).get();
      this.meter.add(Math.max(1, snapshot.size));
      return { docs: snapshot.docs.slice(0, limit), truncated: snapshot.size > limit };
    };
    // A run not started yet has only its due time; most runs match both queries.
    const results = await Promise.all([byField('startedAt'), byField('scheduledFor')]);
    const runs = new Map<string, TrainingRun>();
    for (const { docs } of results) for (const doc of docs) if (!runs.has(doc.id)) runs.set(doc.id, runFromDoc(doc.data()));
    return { items: [...runs.values()], truncated: results.some((r) => r.truncated) };
  }

  async lastBlessedAt(familyIds: string[]): Promise<Record<string, string | null>> {
    const handle = await this.firestore();
    const entries = await Promise.all(familyIds.map(async (familyId) => {
      const snapshot = await buildQuery(handle, lastBlessedVersionShape(familyId)).select('registeredAt').limit(1).get();
      this.meter.add(1);
      const registeredAt = snapshot.docs[0]?.get('registeredAt');
      return [familyId, registeredAt ? registeredAt.toDate().toISOString() : null] as const;
    }));
    return Object.fromEntries(entries);
  }
}
