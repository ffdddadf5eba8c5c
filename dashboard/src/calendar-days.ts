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

/** Closer labels than this (in weeks) would overlap; the earlier one gives way. */
const MIN_LABEL_GAP = 3;

/** A month's label sits over the week holding its 1st (the first week shows its own month). */
export function monthLabels(days: GridDay[]): { week: number; label: string }[] {
  const labels: { week: number; label: string }[] = [];
  for (const day of days) {
    if (day.date.getDate() === 1 || (day.week === 0 && day.weekday === 0)) {
      const label = { week: day.week, label: monthName(day.date.getMonth()) };
      const previous = labels.at(-1);
      if (previous && previous.week === label.week) previous.label = label.label;
      else if (previous && label.week - previous.week < MIN_LABEL_GAP) labels[labels.length - 1] = label;
      else labels.push(label);
    }
  }
  return labels;
}
