import type { ModelType } from '../schemas/common';
import type { RunStatus } from '../schemas/training-run';
import type { CalendarResponse, HistoricalRun, MissedSlot, ScheduledSlot } from './calendar';

/**
 * The calendar as sent: each schedule's details once, in `schedules`, and per day only references
 * to them with counts. Listing a schedule's name, description and family on each of the window's
 * 280 days made the response follow schedules × days × details (16.6 MB for 500 schedules);
 * references and counts cost a few bytes per schedule and day, and repeat well enough that the
 * compressed answer stays small. `expandCalendar` gives back seed 000's per-day entries.
 *
 * Pure TypeScript with type-only imports: the dashboard bundles it.
 */

/**
 * A schedule the days refer to by its index in `schedules`. Type, schedule type and description are
 * absent for a schedule that appears only in `missed` (whose entries do not carry them).
 */
export interface CalendarScheduleInfo {
  scheduleId: string;
  name: string;
  familyId: string;
  type?: ModelType;
  scheduleType?: ScheduledSlot['scheduleType'];
  description?: string;
}

/**
 * [schedule index, its first fire (or missed slot) that day in minutes after the day's nominal
 * start (window.start + day index × 24 h: the local time of day, shifted by an hour across a
 * daylight-saving change), how many that day when more than one].
 */
export type CalendarSlotRef = [schedule: number, minute: number, count?: number];

/**
 * A schedule's slots on `occurrences` days, `stride` days apart from day index `firstDay`, each at the
 * same minute (as in CalendarSlotRef) and count: a daily schedule is one or a few series for the whole
 * window (a new one where daylight saving shifts its minute), a weekly one is one series with stride 7.
 * The bytes follow the schedules, not schedules × days.
 */
export type CalendarSeries = [schedule: number, firstDay: number, occurrences: number, stride: number, minute: number, count?: number];

/**
 * One group's runs of a day. `schedule` refers to `schedules` when the group is an active schedule
 * of the same family and type; otherwise the group is spelled out (runs started by hand, paused or
 * deleted schedules). `name` is left out when it equals the label.
 */
export interface CalendarHistoricalRef {
  schedule?: number;
  scheduleId?: string | null;
  familyId?: string;
  type?: ModelType;
  label?: string;
  runId: string | null;
  name?: string;
  status: RunStatus;
  versionId: string | null;
  at: string;
  runs: number;
  statuses: Partial<Record<RunStatus, number>>;
}

export interface CalendarWire {
  window: CalendarResponse['window'];
  schedules: CalendarScheduleInfo[];
  scheduled: CalendarSeries[];
  historical: Record<string, CalendarHistoricalRef[]>;
  missed: CalendarSeries[];
  families: CalendarResponse['families'];
  warnings: CalendarResponse['warnings'];
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

function slotRef(schedule: number, minute: number, count: number): CalendarSlotRef {
  return count === 1 ? [schedule, minute] : [schedule, minute, count];
}

/** `f` on each entry of each day, with the day's nominal start in minutes after window.start. */
function mapDays<A, B>(byDay: Record<string, A[]>, dayIndex: Map<string, number>, f: (a: A, dayMinute: number) => B): Record<string, B[]> {
  const out: Record<string, B[]> = {};
  for (const [day, entries] of Object.entries(byDay)) {
    const index = dayIndex.get(day);
    if (index === undefined) throw new Error(`calendar: ${day} is not a day of the window`);
    out[day] = entries.map((e) => f(e, index * DAY_MINUTES));
  }
  return out;
}

const dayIndexOf = (window: CalendarResponse['window']) => new Map(window.days.map((d, i) => [d, i]));

/** Per-day references → series: each schedule's slots in day order, runs of equal minute and count at a constant stride. */
function toSeries(byDay: Record<string, CalendarSlotRef[]>, dayIndex: Map<string, number>): CalendarSeries[] {
  const bySchedule = new Map<number, [day: number, minute: number, count: number][]>();
  for (const [day, refs] of Object.entries(byDay)) {
    const d = dayIndex.get(day)!;
    for (const [schedule, minute, count = 1] of refs) {
      let slots = bySchedule.get(schedule);
      if (!slots) bySchedule.set(schedule, (slots = []));
      slots.push([d, minute, count]);
    }
  }
  const series: CalendarSeries[] = [];
  for (const [schedule, slots] of bySchedule) {
    slots.sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < slots.length;) {
      const [first, minute, count] = slots[i]!;
      const same = (j: number) => slots[j] !== undefined && slots[j]![1] === minute && slots[j]![2] === count;
      const stride = same(i + 1) ? slots[i + 1]![0] - first : 1;
      let n = 1;
      while (same(i + n) && slots[i + n]![0] === first + n * stride) n++;
      series.push(count === 1 ? [schedule, first, n, stride, minute] : [schedule, first, n, stride, minute, count]);
      i += n;
    }
  }
  return series;
}

/**
 * Series → per-day references, each day in the calendar's order: first slot, then schedule name in
 * locale order, then schedule index (the order schedules first appear in, as the projection adds them).
 */
function fromSeries(series: CalendarSeries[], window: CalendarWire['window'], schedules: CalendarScheduleInfo[]): Record<string, CalendarSlotRef[]> {
  const names = new Intl.Collator().compare;
  const byDay = new Map<number, CalendarSlotRef[]>();
  for (const [schedule, first, occurrences, stride, minute, count = 1] of series) {
    for (let k = 0; k < occurrences; k++) {
      const day = first + k * stride;
      let refs = byDay.get(day);
      if (!refs) byDay.set(day, (refs = []));
      refs.push(slotRef(schedule, minute, count));
    }
  }
  const out: Record<string, CalendarSlotRef[]> = {};
  for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
    const key = window.days[day];
    if (key === undefined) throw new Error(`calendar: day ${day} is not in the window`);
    out[key] = byDay.get(day)!.sort((a, b) => a[1] - b[1] || names(schedules[a[0]]?.name ?? '', schedules[b[0]]?.name ?? '') || a[0] - b[0]);
  }
  return out;
}

/** The response as sent; `expandCalendar(compactCalendar(r))` deep-equals `r`. */
export function compactCalendar(response: CalendarResponse): CalendarWire {
  const start = Date.parse(response.window.start);
  const days = dayIndexOf(response.window);
  const minuteOf = (iso: string, dayMinute: number) => (Date.parse(iso) - start) / MINUTE_MS - dayMinute;
  const schedules: CalendarScheduleInfo[] = [];
  const index = new Map<string, number>();
  const refOf = (s: CalendarScheduleInfo): number => {
    let i = index.get(s.scheduleId);
    if (i === undefined) {
      i = schedules.length;
      index.set(s.scheduleId, i);
      schedules.push(s);
    }
    return i;
  };
  // Scheduled slots first: they carry every detail of a schedule.
  const scheduled = mapDays(response.scheduled, days, ({ scheduleId, name, familyId, type, scheduleType, description, fires, fireTime }, dayMinute) =>
    slotRef(refOf({ scheduleId, name, familyId, type, scheduleType, description }), minuteOf(fireTime, dayMinute), fires));
  const missed = mapDays(response.missed, days, (m, dayMinute) =>
    slotRef(refOf({ scheduleId: m.scheduleId, name: m.name, familyId: m.familyId }), minuteOf(m.fireTime, dayMinute), m.slots));
  const historical = mapDays(response.historical, days, (r): CalendarHistoricalRef => {
    const i = r.scheduleId === null ? undefined : index.get(r.scheduleId);
    const info = i === undefined ? undefined : schedules[i];
    const byRef = info !== undefined && info.familyId === r.familyId && info.type === r.type && info.name === r.label;
    const group = byRef ? { schedule: i } : { scheduleId: r.scheduleId, familyId: r.familyId, type: r.type, label: r.label };
    return {
      ...group, runId: r.runId, ...(r.name === r.label ? {} : { name: r.name }),
      status: r.status, versionId: r.versionId, at: r.at, runs: r.runs, statuses: r.statuses,
    };
  });
  return {
    window: response.window, schedules, scheduled: toSeries(scheduled, days), historical, missed: toSeries(missed, days),
    families: response.families, warnings: response.warnings,
  };
}

/** Seed 000's per-day entries from the compact answer (the dashboard, tests and API clients). */
export function expandCalendar(wire: CalendarWire): CalendarResponse {
  const start = Date.parse(wire.window.start);
  const days = dayIndexOf(wire.window);
  const fireTime = (dayMinute: number, minute: number) => new Date(start + (dayMinute + minute) * MINUTE_MS).toISOString();
  const info = (i: number): CalendarScheduleInfo => {
    const s = wire.schedules[i];
    if (!s) throw new Error(`calendar: no schedule ${i}`);
    return s;
  };
  const scheduled = mapDays(fromSeries(wire.scheduled, wire.window, wire.schedules), days, ([i, minute, fires = 1], dayMinute): ScheduledSlot => {
    const s = info(i);
    if (s.type === undefined || s.scheduleType === undefined || s.description === undefined) throw new Error(`calendar: schedule ${i} lacks its details`);
    return { scheduleId: s.scheduleId, name: s.name, type: s.type, scheduleType: s.scheduleType, description: s.description, fireTime: fireTime(dayMinute, minute), familyId: s.familyId, fires };
  });
  const missed = mapDays(fromSeries(wire.missed, wire.window, wire.schedules), days, ([i, minute, slots = 1], dayMinute): MissedSlot => {
    const s = info(i);
    return { scheduleId: s.scheduleId, name: s.name, familyId: s.familyId, fireTime: fireTime(dayMinute, minute), slots };
  });
  const historical = mapDays(wire.historical, days, (r): HistoricalRun => {
    const s = r.schedule === undefined ? undefined : info(r.schedule);
    const label = s ? s.name : r.label ?? '';
    const type = s ? s.type : r.type;
    const familyId = s ? s.familyId : r.familyId;
    if (type === undefined || familyId === undefined) throw new Error('calendar: a historical entry names neither a schedule nor its group');
    return {
      runId: r.runId, name: r.name ?? label, status: r.status, type, familyId,
      versionId: r.versionId, scheduleId: s ? s.scheduleId : r.scheduleId ?? null, at: r.at, label, runs: r.runs, statuses: r.statuses,
    };
  });
  return { window: wire.window, scheduled, historical, missed, families: wire.families, warnings: wire.warnings };
}
