import { monthName } from './format';

/** The grid's days in the browser's time zone: weeks start on Monday, `weeksPast` weeks before this one. */
export interface GridDay {
  /** Local date, YYYY-MM-DD (the calendar API's keys, computed in the same time zone). */
  key: string;
  /** Local noon of that day (noon is never skipped by a daylight-saving change). */
  date: Date;
  week: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
  past: boolean;
  today: boolean;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function dayKey(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function gridDays(now: Date, weeksPast: number, weeksFuture: number): GridDay[] {
  const todayKey = dayKey(now);
  const mondayOffset = (now.getDay() + 6) % 7;
  const first = now.getDate() - mondayOffset - 7 * weeksPast;
  return Array.from({ length: 7 * (weeksPast + weeksFuture) }, (_, i) => {
    const date = new Date(now.getFullYear(), now.getMonth(), first + i, 12);
    const key = dayKey(date);
    return { key, date, week: Math.floor(i / 7), weekday: i % 7, past: key < todayKey, today: key === todayKey };
  });
}

/** Closer labels than this (in weeks) would overlap when both start over their own week. */
const MIN_LABEL_GAP = 3;

export interface MonthLabel {
  week: number;
  label: string;
  /**
   * Set on the window's first month when the next label is closer than MIN_LABEL_GAP: the label
   * ends just before that week (reaching into the day-name gutter) instead of starting over week 0.
   */
  endsBefore?: number;
}

/**
 * Month labels: the window's first month over week 0 (however few of its days are shown), then
 * each month over the week holding its 1st; a 1st in week 0 itself moves to week 1, the month's
 * first full week, so that the two labels never share a column.
 */
export function monthLabels(days: GridDay[]): MonthLabel[] {
  const first = days[0];
  if (!first) return [];
  const weeks = Math.ceil(days.length / 7);
  const labels: MonthLabel[] = [{ week: 0, label: monthName(first.date.getMonth()) }];
  for (const day of days) {
    if (day.date.getDate() !== 1 || day === first) continue;
    const week = Math.max(day.week, 1);
    if (week < weeks) labels.push({ week, label: monthName(day.date.getMonth()) });
  }
  const second = labels[1];
  if (second && second.week < MIN_LABEL_GAP) labels[0]!.endsBefore = second.week;
  return labels;
}
