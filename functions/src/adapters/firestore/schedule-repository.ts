import type { ReadMeter } from '../../../../shared/ports';
import { Schedule } from '../../../../shared/schemas/schedule';
import type { Bounded, ScheduleReader } from '../../app/calendar';
import type { FirestoreProvider } from './client';
import { activeSchedulesShape } from './calendar-queries';
import { scheduleIndexRef, schedulesOfIndex } from './schedule-index';
import { timestampsToIso } from './timestamps';
import { buildQuery } from './version-repository';

export function scheduleFromDoc(data: Record<string, unknown>): Schedule {
  return Schedule.parse(timestampsToIso(data));
}

export class FirestoreScheduleRepository implements ScheduleReader {
  constructor(private readonly firestore: FirestoreProvider, private readonly meter: ReadMeter = { add() {} }) {}

  async listActive(limit: number): Promise<Bounded<Schedule>> {
    const handle = await this.firestore();
    const index = await scheduleIndexRef(handle.db).get();
    this.meter.add(1);
    const indexed = schedulesOfIndex(index.data());
    if (indexed) return { items: indexed.slice(0, limit), truncated: indexed.length > limit };
    // Never built (data older than the index, until the backfill or the minute job builds it).
    // One extra document tells whether the limit cut the list.
    const snapshot = await buildQuery(handle, activeSchedulesShape()).limit(limit + 1).get();
    this.meter.add(Math.max(1, snapshot.size));
    const docs = snapshot.docs.slice(0, limit);
    return { items: docs.map((d) => scheduleFromDoc(d.data())), truncated: snapshot.size > limit };
  }
}
