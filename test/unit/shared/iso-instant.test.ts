import assert from 'node:assert/strict';
import { isoDay, isoInstant } from '../../../shared/domain/iso-instant';

describe('isoInstant', () => {
  it('writes exactly what Date#toISOString writes, for whole minutes, odd milliseconds and the edges of four-digit years', () => {
    const instants = [
      Date.UTC(2026, 2, 29, 1, 0), Date.UTC(2026, 2, 29, 1, 0, 0, 1), Date.UTC(2026, 11, 31, 23, 59, 59, 999), 0, -1, -86_400_000 - 1,
      -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000,
    ];
    for (let i = 0; i < 2_000; i++) instants.push(Math.floor(((i * 7_919) % 2_000) * 1.3e11 - 6.2e13), Date.UTC(2026, 0, 1) + i * 60_000 * 97);
    for (const ms of instants) assert.equal(isoInstant(ms), new Date(ms).toISOString(), String(ms));
  });
});

describe('isoDay', () => {
  it('names a day counted from 1970-01-01 as YYYY-MM-DD', () => {
    assert.deepEqual([isoDay(0), isoDay(-1), isoDay(20_541)], ['1970-01-01', '1969-12-31', '2026-03-29']);
  });
});
