import type { FirestoreModule } from './client';

/** Counts as Firestore increments, for `set(…, { merge: true })`: concurrent writers add up. */
export function incrementsOf(fs: FirestoreModule, counts: Record<string, number>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(counts).map(([key, n]) => [key, fs.FieldValue.increment(n)]));
}
