/** Firestore returns Timestamps; the domain speaks ISO strings. Converts every Timestamp in a tree. */
export function timestampsToIso(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toDate?: unknown }).toDate === 'function') {
    return (value as { toDate(): Date }).toDate().toISOString();
  }
  if (Array.isArray(value)) return value.map(timestampsToIso);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = timestampsToIso(v);
  return out;
}
