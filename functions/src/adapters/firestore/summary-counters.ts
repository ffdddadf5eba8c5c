import type { AggregateQuery, AggregateQuerySnapshot, AggregateSpec, Firestore, Transaction } from '@google-cloud/firestore';
import {
  SUMMARY_COUNTS, addCounts, countsDelta, zeroCounts, type SummaryCounts,
} from '../../../../shared/domain/summary-counts';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import type { FirestoreHandle } from './client';
import { incrementsOf } from './increments';
import { COLLECTIONS } from './collections';
import { summaryCountShapes } from './version-queries';
import { buildQuery } from './version-repository';

/**
 * `counters/versionSummary-<n>`: the KPI counts, split over a few shards so that concurrent
 * registrations do not all contend for one document; the summary reads them all and adds them up.
 */
export const SUMMARY_SHARDS = 2;

export const summaryShardRef = (db: Firestore, shard: number) => db.collection(COLLECTIONS.counters).doc(`versionSummary-${shard}`);

type Counted = Pick<ModelVersion, 'archived' | 'blessed' | 'deployed'>;

/** Adds, in `tx`, what changing a version from `before` to `after` does to the counts (nothing when it changes none). */
export function countVersionChange(tx: Transaction, { db, fs }: FirestoreHandle, before: Counted | null, after: Counted | null): void {
  const delta = countsDelta(before, after);
  if (Object.keys(delta).length === 0) return;
  const shard = Math.floor(Math.random() * SUMMARY_SHARDS);
  tx.set(summaryShardRef(db, shard), incrementsOf(fs, delta), { merge: true });
}

type CountQuery = AggregateQuery<{ count: AggregateSpec['count'] }>;

/** The counts as aggregation queries compute them (one query per count), read with `get`: a plain read, or a transaction's. */
export async function countVersions(handle: FirestoreHandle, get: (query: CountQuery) => Promise<AggregateQuerySnapshot<{ count: AggregateSpec['count'] }>>): Promise<SummaryCounts> {
  const values = await Promise.all(summaryCountShapes().map(async (shape) => (await get(buildQuery(handle, shape).count())).data().count));
  return Object.fromEntries(SUMMARY_COUNTS.map((key, i) => [key, values[i]!])) as SummaryCounts;
}

function countsOf(data: Record<string, unknown> | undefined): SummaryCounts {
  const counts = zeroCounts();
  for (const key of SUMMARY_COUNTS) counts[key] = Number(data?.[key] ?? 0);
  return counts;
}

/** The counts, or null when no shard exists yet (counters never initialised: the reconcile job does it). */
export async function readSummaryCounters(db: Firestore): Promise<SummaryCounts | null> {
  const shards = await db.getAll(...Array.from({ length: SUMMARY_SHARDS }, (_, i) => summaryShardRef(db, i)));
  if (!shards.some((s) => s.exists)) return null;
  return shards.reduce((sum, s) => addCounts(sum, countsOf(s.data())), zeroCounts());
}

export interface SummaryReconcileReport {
  counted: SummaryCounts;
  stored: SummaryCounts | null;
  repaired: boolean;
}

/**
 * Counts the versions with aggregation queries and, where the counters drifted (a write made
 * outside the registry's transactions, a restore), rewrites them. One transaction: a version
 * change that commits meanwhile makes it retry, so the repair never loses an increment.
 */
export async function reconcileSummaryCounters(handle: FirestoreHandle): Promise<SummaryReconcileReport> {
  const { db } = handle;
  return db.runTransaction(async (tx) => {
    const refs = Array.from({ length: SUMMARY_SHARDS }, (_, i) => summaryShardRef(db, i));
    const shards = await tx.getAll(...refs);
    const stored = shards.some((s) => s.exists) ? shards.reduce((sum, s) => addCounts(sum, countsOf(s.data())), zeroCounts()) : null;
    const counted = await countVersions(handle, (query) => tx.get(query));
    const repaired = !stored || SUMMARY_COUNTS.some((key) => stored[key] !== counted[key]);
    if (repaired) refs.forEach((ref, i) => tx.set(ref, i === 0 ? counted : zeroCounts()));
    return { counted, stored, repaired };
  });
}
