import assert from 'node:assert/strict';
import { gridDays, monthLabels } from '../../../dashboard/src/calendar-days';

/** Local noon of a day, in whatever zone the tests run in (the grid works in local dates). */
const day = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12);
/** The grid of `weeks` weeks whose first Monday is `monday`. */
const windowFrom = (monday: Date, weeks: number) => gridDays(monday, 0, weeks);

describe('dashboard monthLabels', () => {
  it('labels the window\'s first month even when it shows only its last days (1st of the next month in week 0)', () => {
    // Monday 28 Sep 2026: Sep has three days in week 0, 1 Oct is its Thursday.
    const days = gridDays(day(2026, 12, 7), 10, 30);
    assert.equal(days[0]!.key, '2026-09-28');
    const labels = monthLabels(days);
    assert.deepEqual(labels.slice(0, 4), [
      { week: 0, label: 'Sep', endsBefore: 1 },
      { week: 1, label: 'Oct' }, // its first full week: the 1st's own column already carries Sep
      { week: 4, label: 'Nov' }, // Sun 1 Nov is in the week of Mon 26 Oct
      { week: 9, label: 'Dec' },
    ]);
  });

  it('ends the first label before the second when the next month starts in week 1', () => {
    const labels = monthLabels(windowFrom(day(2026, 10, 19), 8));
    assert.deepEqual(labels.slice(0, 2), [{ week: 0, label: 'Oct', endsBefore: 1 }, { week: 1, label: 'Nov' }]);
  });

  it('starts the first label over week 0 when the second is far enough away', () => {
    const labels = monthLabels(windowFrom(day(2026, 10, 5), 8));
    assert.deepEqual(labels.slice(0, 2), [{ week: 0, label: 'Oct' }, { week: 3, label: 'Nov' }]);
  });

  it('labels a window that opens on a Monday the 1st once, not twice', () => {
    const labels = monthLabels(windowFrom(day(2026, 6, 1), 6));
    assert.deepEqual(labels, [{ week: 0, label: 'Jun' }, { week: 4, label: 'Jul' }]);
  });

  it('keeps every later label at least three weeks from the one before', () => {
    for (let offset = 0; offset < 60; offset++) {
      const labels = monthLabels(gridDays(day(2026, 1, 1 + offset * 3), 10, 30));
      for (let i = 2; i < labels.length; i++) assert.ok(labels[i]!.week - labels[i - 1]!.week >= 3, JSON.stringify(labels));
      assert.ok(labels.every((l) => l.week < 40));
    }
  });
});
