import type { ReadMeter } from '../../../../shared/ports';
import {
  historyFromRollups, historyFromRuns, mergeHistories, weekIdsBetween, type CalendarRollup, type RunHistory,
} from '../../../../shared/domain/calendar-rollups';
import type { CalendarRunReader } from '../../app/calendar';
import type { FirestoreProvider } from './client';
import { buildRangeQuery } from './calendar-queries';
import { readLastBlessings, SUMMARY_SHARDS } from './summary-counters';
import { COLLECTIONS } from './collections';
import { runFromDoc } from './run-repository';
import { runningRunsShape, scheduledBeforeShape } from './training-queries';
import { buildQuery } from './version-repository';

/**
 * The calendar's reads: one rollup document per week of the window (`calendarWeeks`, kept by the
 * transactions that record run outcomes), the runs still in flight, and the families' last blessings
 * (from the KPI counter shards). What a read costs follows the window and the runs in flight, never
 * the history or the number of families.
 */
export class FirestoreCalendarRunRepository implements CalendarRunReader {
  constructor(private readonly firestore: FirestoreProvider, private readonly meter: ReadMeter = { add() {} }) {}

  async historyBetween(from: Date, to: Date, inFlightLimit: number, endedBy: Date): Promise<{ history: RunHistory; truncated: boolean }> {
    const handle = await this.firestore();
    const weeks = handle.db.collection(COLLECTIONS.calendarWeeks);
    // Rollups hold ended runs: weeks after `endedBy` have none, so a window's future weeks cost no read.
    const refs = weekIdsBetween(from.getTime(), Math.min(to.getTime(), endedBy.getTime())).map((id) => weeks.doc(id));
    const [rollups, running, scheduled] = await Promise.all([
      handle.db.getAll(...refs),
      buildQuery(handle, runningRunsShape()).limit(inFlightLimit + 1).get(),
      buildRangeQuery(handle, scheduledBeforeShape(to.toISOString())).limit(inFlightLimit + 1).get(),
    ]);
    this.meter.add(refs.length + Math.max(1, running.size) + Math.max(1, scheduled.size));
    const inFlight = [...running.docs.slice(0, inFlightLimit), ...scheduled.docs.slice(0, inFlightLimit)].map((d) => runFromDoc(d.data()));
    const ended = historyFromRollups(rollups.filter((d) => d.exists).map((d) => d.data() as CalendarRollup));
    return { history: mergeHistories(ended, historyFromRuns(inFlight)), truncated: running.size > inFlightLimit || scheduled.size > inFlightLimit };
  }

  /** From the KPI counter shards, where registrations note each family's last blessing: a read per shard, not per family. */
  async lastBlessings(): Promise<Record<string, string>> {
    const { db } = await this.firestore();
    this.meter.add(SUMMARY_SHARDS);
    return readLastBlessings(db);
  }
}
