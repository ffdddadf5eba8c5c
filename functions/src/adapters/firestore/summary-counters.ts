import type { AggregateQuery, AggregateQuerySnapshot, AggregateSpec, DocumentSnapshot, Firestore, Transaction } from '@google-cloud/firestore';
import {
  SUMMARY_COUNTS, addCounts, countsDelta, zeroCounts, type SummaryCounts,
} from '../../../../shared/domain/summary-counts';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import type { FirestoreHandle } from './client';
import { transact } from './transact';
import { incrementsOf } from './increments';
import { COLLECTIONS } from './collections';
import { summaryCountShapes } from './version-queries';
import { lastBlessedVersionShape } from './calendar-queries';
import { buildQuery } from './version-repository';

/**
 * `counters/versionSummary-<n>`: the KPI counts, split over a few shards so that concurrent
 * registrations do not all contend for one document; the summary reads them all and adds them up.
 */
export const SUMMARY_SHARDS = 2;

export const summaryShardRef = (db: Firestore, shard: number) => db.collection(COLLECTIONS.counters).doc(`versionSummary-${shard}`);

/** Every shard, in shard order. */
export const summaryShardRefs = (db: Firestore) => Array.from({ length: SUMMARY_SHARDS }, (_, i) => summaryShardRef(db, i));

type Counted = Pick<ModelVersion, 'archived' | 'blessed' | 'deployed'> & Partial<Pick<ModelVersion, 'familyId' | 'registeredAt'>>;

/**
 * Adds, in `tx`, what changing a version from `before` to `after` does to the counts (nothing when
 * it changes none). A blessed version's registration also notes its family's last blessing
 * (`lastBlessedAt.<family>`, an ISO instant, on the same shard): the calendar reads every family's
 * freshness from the shards. A family's registrations commit one after another (each updates the
 * family document), so a later one never writes an older instant.
 */
export function countVersionChange(tx: Transaction, { db, fs }: FirestoreHandle, before: Counted | null, after: Counted | null): void {
  const delta = countsDelta(before, after);
  const blessing = before === null && after?.blessed === true && after.familyId && after.registeredAt
    ? { lastBlessedAt: { [after.familyId]: new Date(after.registeredAt).toISOString() } } : null;
  if (Object.keys(delta).length === 0 && !blessing) return;
  const shard = Math.floor(Math.random() * SUMMARY_SHARDS);
  tx.set(summaryShardRef(db, shard), { ...incrementsOf(fs, delta), ...blessing }, { merge: true });
}

/** Every family's last blessing noted on the shards (families never blessed are absent). */
export async function readLastBlessings(db: Firestore): Promise<Record<string, string>> {
  const shards = await db.getAll(...summaryShardRefs(db));
  return lastBlessedOf(shards.map((s) => s.data()));
}

function lastBlessedOf(shards: (Record<string, unknown> | undefined)[]): Record<string, string> {
  const latest: Record<string, string> = {};
  for (const data of shards) {
    for (const [family, at] of Object.entries((data?.lastBlessedAt ?? {}) as Record<string, string>)) {
      if (!(latest[family]! >= at)) latest[family] = at;
    }
  }
  return latest;
}

export interface FreshnessReconcileReport {
  families: number;
  repaired: boolean;
}

/**
 * Recomputes every family's last blessing with one query per family and, where the shards differ
 * (a blessed version deleted, writes made around the registry), rewrites them: the minute job's
 * periodic check and the backfill. One transaction, so a registration meanwhile makes it retry.
 */
export async function reconcileFamilyFreshness(handle: FirestoreHandle): Promise<FreshnessReconcileReport> {
  const { db } = handle;
  return transact(db, async (tx) => {
    const refs = summaryShardRefs(db);
    const [shards, families] = await Promise.all([tx.getAll(...refs), tx.get(db.collection(COLLECTIONS.families).select())]);
    const counted: Record<string, string> = {};
    await Promise.all(families.docs.map(async (family) => {
      const last = await tx.get(buildQuery(handle, lastBlessedVersionShape(family.id)).select('registeredAt').limit(1));
      const at = last.docs[0]?.get('registeredAt');
      if (at) counted[family.id] = at.toDate().toISOString();
    }));
    const stored = lastBlessedOf(shards.map((s) => s.data()));
    const sorted = (m: Record<string, string>) => JSON.stringify(Object.keys(m).sort().map((k) => [k, m[k]]));
    const repaired = sorted(stored) !== sorted(counted);
    if (repaired) refs.forEach((ref, i) => tx.set(ref, { lastBlessedAt: i === 0 ? counted : {} }, { mergeFields: ['lastBlessedAt'] }));
    return { families: families.size, repaired };
  });
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
  return storedCounts(await db.getAll(...summaryShardRefs(db)));
}

/** The shards' counts added up, or null when none exists yet. */
function storedCounts(shards: DocumentSnapshot[]): SummaryCounts | null {
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
  return transact(db, async (tx) => {
    const refs = summaryShardRefs(db);
    const stored = storedCounts(await tx.getAll(...refs));
    const counted = await countVersions(handle, (query) => tx.get(query));
    const repaired = !stored || SUMMARY_COUNTS.some((key) => stored[key] !== counted[key]);
    // Merged: the shards' other fields (families' last blessings) stay.
    if (repaired) refs.forEach((ref, i) => tx.set(ref, i === 0 ? counted : zeroCounts(), { merge: true }));
    return { counted, stored, repaired };
  });
}
