import { boundedMemo } from './bounded-memo';

/**
 * Date#toISOString for the many instants of a calendar, several times faster: V8 spends about a
 * microsecond on each, here dates and whole-minute times come from tables.
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** toISOString writes years outside 0000–9999 with a sign and six digits: those are left to it. */
const YEAR_0_MS = -62_167_219_200_000;
const YEAR_10000_MS = 253_402_300_800_000;

/** "YYYY-MM-DD" of a day counted from 1970-01-01. */
export const isoDay = boundedMemo((day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10), 20_000);

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const WHOLE_MINUTES = Array.from({ length: 1440 }, (_, m) => `T${pad(Math.floor(m / 60), 2)}:${pad(m % 60, 2)}:00.000Z`);

/** Exactly `new Date(epochMs).toISOString()`. */
export function isoInstant(epochMs: number): string {
  if (!(epochMs >= YEAR_0_MS && epochMs < YEAR_10000_MS)) return new Date(epochMs).toISOString();
  const day = Math.floor(epochMs / DAY_MS);
  const inDay = epochMs - day * DAY_MS;
  if (inDay % MINUTE_MS === 0) return isoDay(day) + WHOLE_MINUTES[inDay / MINUTE_MS]!;
  const seconds = Math.floor(inDay / 1000);
  return `${isoDay(day)}T${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}.${pad(inDay % 1000, 3)}Z`;
}
