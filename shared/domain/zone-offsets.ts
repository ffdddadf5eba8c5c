import { Info } from 'luxon';
import { boundedMemo } from './bounded-memo';

/**
 * UTC offsets of time zones, read once per zone and year and then answered by table look-up:
 * asking Intl (through luxon) costs microseconds per instant, far too much for every slot of a
 * calendar. Zones and offsets are luxon's own, so wall times computed from them match `DateTime`'s.
 */

/**
 * Offsets are sampled this often, then changes are bisected to the millisecond. Two changes within
 * one sample would go unseen: since 1990 no zone has had two less than a week apart.
 */
const SAMPLE_MS = 86_400_000;

interface YearOffsets {
  /** Offset in minutes at 1 January 00:00 UTC. */
  initial: number;
  /** Each instant in the year (up to and including the next 1 January) where the offset changes, in order. */
  changes: { at: number; offset: number }[];
}

const yearOffsetsByKey = boundedMemo((key: string): YearOffsets => {
  const [zone, yearText] = key.split('\u0000') as [string, string];
  const year = Number(yearText);
  const zoneRules = Info.normalizeZone(zone);
  const from = Date.UTC(year, 0, 1);
  const to = Date.UTC(year + 1, 0, 1);
  const initial = zoneRules.offset(from);
  const changes: YearOffsets['changes'] = [];
  let before = from;
  let offset = initial;
  while (before < to) {
    const after = Math.min(before + SAMPLE_MS, to);
    const next = zoneRules.offset(after);
    if (next !== offset) {
      // Bisect to the first millisecond with the new offset.
      let lo = before;
      let hi = after;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (zoneRules.offset(mid) === offset) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, offset: next });
      offset = next;
    }
    before = after;
  }
  return { initial, changes };
}, 5_000);

function yearOffsets(zone: string, year: number): YearOffsets {
  return yearOffsetsByKey(`${zone}\u0000${year}`);
}

function utcYear(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

/** The stretch of time around the last instant asked about: calendars ask about runs of nearby instants in one zone. */
let lastStretch = { zone: '', from: 0, to: 0, offset: 0 };

/** The zone's UTC offset in minutes at an instant, for any zone luxon accepts. */
export function zoneOffsetAt(zone: string, ms: number): number {
  if (lastStretch.zone === zone && ms >= lastStretch.from && ms < lastStretch.to) return lastStretch.offset;
  const year = utcYear(ms);
  const { initial, changes } = yearOffsets(zone, year);
  let from = Date.UTC(year, 0, 1);
  let offset = initial;
  let to = Date.UTC(year + 1, 0, 1);
  for (const change of changes) {
    if (change.at > ms) {
      to = change.at;
      break;
    }
    from = change.at;
    offset = change.offset;
  }
  lastStretch = { zone, from, to, offset };
  return offset;
}

/** Instants in [from, to) at which the zone's offset changes, in order. */
export function zoneTransitions(zone: string, from: number, to: number): number[] {
  const found: number[] = [];
  for (let year = utcYear(from); year <= utcYear(to); year++) {
    for (const { at } of yearOffsets(zone, year).changes) {
      if (at >= from && at < to) found.push(at);
    }
  }
  return found;
}
