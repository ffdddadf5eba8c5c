import type { CollectionReference, DocumentReference, Firestore } from '@google-cloud/firestore';

/** Every document of a database, by path, as canonical JSON (`null` for a path that only holds subcollections). */
export type FirestoreSnapshot = Map<string, string | null>;

/** Fields left out of the snapshot, per document path (e.g. state that a background job writes on its own). */
export type IgnoredFields = (docPath: string) => readonly string[];

/**
 * Reads the whole database through the server SDK: every collection, every document and,
 * recursively, their subcollections (listDocuments also returns documents that exist only as
 * parents of subcollections).
 */
export async function snapshotFirestore(db: Firestore, ignored: IgnoredFields = () => []): Promise<FirestoreSnapshot> {
  const snapshot: FirestoreSnapshot = new Map();
  const visit = async (collections: CollectionReference[]): Promise<void> => {
    for (const collection of collections) {
      const refs = await collection.listDocuments();
      if (refs.length === 0) continue;
      const docs = await db.getAll(...refs);
      for (const doc of docs) {
        const data = doc.exists ? { ...doc.data() } : null;
        if (data) for (const field of ignored(doc.ref.path)) delete data[field];
        snapshot.set(doc.ref.path, data === null ? null : canonicalJson(data));
      }
      await Promise.all(refs.map(async (ref: DocumentReference) => visit(await ref.listCollections())));
    }
  };
  await visit(await db.listCollections());
  return snapshot;
}

/** Paths added, removed or changed between two snapshots, sorted. */
export function diffSnapshots(before: FirestoreSnapshot, after: FirestoreSnapshot): string[] {
  const changes: string[] = [];
  for (const [path, value] of before) {
    if (!after.has(path)) changes.push(`removed ${path}`);
    else if (after.get(path) !== value) changes.push(`changed ${path}`);
  }
  for (const path of after.keys()) if (!before.has(path)) changes.push(`added ${path}`);
  return changes.sort();
}

/** JSON with sorted keys; Firestore values become plain ones (timestamps as ISO strings, references as paths). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(plain(value));
}

function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  const v = value as { toDate?: () => Date; path?: unknown; isEqual?: unknown; toBase64?: () => string };
  if (typeof v.toDate === 'function') return { $time: v.toDate().toISOString() };
  if (typeof v.path === 'string' && typeof v.isEqual === 'function') return { $ref: v.path };
  if (Buffer.isBuffer(value)) return { $bytes: value.toString('base64') };
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, plain((value as Record<string, unknown>)[k])]));
}
