import type { DocumentSnapshot, Query } from '@google-cloud/firestore';
import type { ListVersionsParams, Page, ReadMeter, VersionReader } from '../../../../shared/ports';
import type { SummaryResponse } from '../../../../shared/schemas/api';
import type { ModelVersion } from '../../../../shared/schemas/model-version';
import { ValidationError } from '../../../../shared/errors';
import { decodeCursor, encodeCursor } from '../../../../shared/domain/cursor';
import { planSearch, normalizeForSearch } from '../../../../shared/domain/search-tokens';
import { SUMMARY_COUNTS, type SummaryCounts } from '../../../../shared/domain/summary-counts';
import type { FirestoreHandle, FirestoreProvider } from './client';
import { COLLECTIONS } from './collections';
import { countVersions, readSummaryCounters, SUMMARY_SHARDS } from './summary-counters';
import { VERSION_READ_FIELDS, versionFromDoc } from './version-codec';
import { familyHistoryShape, listShape, type QueryShape } from './version-queries';

/** A long search filtered in memory scans at most this many pages before handing back a cursor. */
const MAX_SCAN_BATCHES = 3;

const VERSION_ID = /^[a-z0-9][a-z0-9_-]*-v[0-9]+$/;
const noMeter: ReadMeter = { add() {} };

export class FirestoreVersionRepository implements VersionReader {
  constructor(private readonly firestore: FirestoreProvider, private readonly meter: ReadMeter = noMeter) {}

  async list(params: ListVersionsParams): Promise<Page<ModelVersion>> {
    const handle = await this.firestore();
    const plan = params.search ? planSearch(params.search) : null;
    const shape = listShape({ modelType: params.modelType, status: params.status, sort: params.sort, searchToken: plan?.token });
    const order = shape.order!;
    let after = params.cursor ? decodeCursor(params.cursor, params.sort) : null;
    if (after && !VERSION_ID.test(after.id)) {
      throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor returned by this API' }]);
    }

    const matches: { version: ModelVersion; sortValue: string | number }[] = [];
    let exhausted = false;
    let lastScanned: { sortValue: string | number; id: string } | null = null;
    for (let batch = 0; batch < MAX_SCAN_BATCHES && matches.length <= params.pageSize; batch++) {
      let query = buildQuery(handle, shape).select(...VERSION_READ_FIELDS, order.field);
      if (after) query = query.startAfter(toFirestoreValue(handle, order.field, after.value), after.id);
      const limit = params.pageSize + 1 - matches.length;
      const snapshot = await query.limit(limit).get();
      this.meter.add(Math.max(1, snapshot.size));
      for (const doc of snapshot.docs) {
        const sortValue = sortValueOf(doc, order.field);
        lastScanned = { sortValue, id: doc.id };
        const version = versionFromDoc(doc.data());
        if (plan?.postFilter && !matchesSearch(version, plan.postFilter)) continue;
        matches.push({ version, sortValue });
      }
      if (snapshot.size < limit) { exhausted = true; break; }
      if (!plan?.postFilter) break;
      after = { sort: params.sort, value: lastScanned!.sortValue, id: lastScanned!.id };
    }

    const items = matches.slice(0, params.pageSize);
    let nextCursor: string | null = null;
    if (matches.length > params.pageSize) {
      const last = items[items.length - 1]!;
      nextCursor = encodeCursor({ sort: params.sort, value: last.sortValue, id: last.version.id });
    } else if (!exhausted && lastScanned) {
      // The scan budget ran out before the page filled: resume from where it stopped.
      nextCursor = encodeCursor({ sort: params.sort, value: lastScanned.sortValue, id: lastScanned.id });
    }
    return { items: items.map((m) => m.version), nextCursor };
  }

  async get(id: string): Promise<ModelVersion | null> {
    const { db } = await this.firestore();
    const snap = await db.collection(COLLECTIONS.versions).doc(id).get();
    this.meter.add(1);
    return snap.exists ? versionFromDoc(snap.data()!) : null;
  }

  async familyHistory(familyId: string, limit: number): Promise<ModelVersion[]> {
    const handle = await this.firestore();
    const snapshot = await buildQuery(handle, familyHistoryShape(familyId)).select(...VERSION_READ_FIELDS).limit(limit).get();
    this.meter.add(Math.max(1, snapshot.size));
    return snapshot.docs.map((d) => versionFromDoc(d.data()));
  }

  /** The counters (SUMMARY_SHARDS reads) and the latest version (one); aggregation queries until the counters exist. */
  async summary(): Promise<SummaryResponse> {
    const handle = await this.firestore();
    const latestShape = listShape({ sort: 'latest' });
    const [stored, latest] = await Promise.all([
      readSummaryCounters(handle.db),
      buildQuery(handle, latestShape).select('name', 'registeredAt').limit(1).get(),
    ]);
    this.meter.add(SUMMARY_SHARDS + Math.max(1, latest.size));
    const counts = stored ?? await this.countByAggregation(handle);
    const doc = latest.docs[0];
    return {
      ...counts,
      latest: doc
        ? { versionId: doc.id, name: String(doc.get('name')), registeredAt: doc.get('registeredAt').toDate().toISOString() }
        : null,
    };
  }

  private async countByAggregation(handle: FirestoreHandle): Promise<SummaryCounts> {
    this.meter.add(SUMMARY_COUNTS.length); // an aggregation costs one read per 1,000 entries
    return countVersions(handle, (query) => query.get());
  }
}

function matchesSearch(version: ModelVersion, text: string): boolean {
  return normalizeForSearch(version.name).includes(text) || normalizeForSearch(version.familyId).includes(text);
}

/** Builds the Firestore query a shape describes, ordered with the document id as tie-breaker. */
export function buildQuery({ db, fs }: FirestoreHandle, shape: QueryShape): Query {
  let query: Query = db.collection(shape.collection);
  for (const { field, value } of shape.equalities) query = query.where(field, '==', value);
  if (shape.arrayContains) query = query.where(shape.arrayContains.field, 'array-contains', shape.arrayContains.value);
  if (shape.order) {
    query = query.orderBy(shape.order.field, shape.order.direction).orderBy(fs.FieldPath.documentId(), shape.order.direction);
  }
  return query;
}

function sortValueOf(doc: DocumentSnapshot, field: string): string | number {
  const value = doc.get(field);
  if (value && typeof value.toDate === 'function') return value.toDate().toISOString();
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new Error(`version ${doc.id} has no sortable ${field}`);
}

/** A cursor is client input: its value must have the type of the sort field, or it is rejected. */
function toFirestoreValue({ fs }: FirestoreHandle, field: string, value: string | number): unknown {
  const invalid = () => new ValidationError([{ path: 'query.cursor', message: 'is not a cursor returned by this API' }]);
  if (field === 'registeredAt') {
    const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw invalid();
    return fs.Timestamp.fromDate(date);
  }
  if (field === 'bestScore' && typeof value !== 'number') throw invalid();
  if (field === 'nameLower' && typeof value !== 'string') throw invalid();
  return value;
}
