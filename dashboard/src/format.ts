/** Display formats. Month names are spelled out here so every locale shows the seed's "21 Jan". */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const WEEKDAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad2 = (n: number) => String(n).padStart(2, '0');
const toDate = (d: Date | string) => (typeof d === 'string' ? new Date(d) : d);

export function monthName(monthIndex: number): string {
  return MONTHS[monthIndex] ?? '';
}

/** "21 Jan" */
export function shortDate(d: Date | string): string {
  const date = toDate(d);
  return `${pad2(date.getDate())} ${monthName(date.getMonth())}`;
}

/** "21 Jan 2026" */
export function mediumDate(d: Date | string): string {
  return `${shortDate(d)} ${toDate(d).getFullYear()}`;
}

/** "21 Jan 2026, 15:30" */
export function dateTime(d: Date | string): string {
  const date = toDate(d);
  return `${mediumDate(date)}, ${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

export function time(d: Date | string): string {
  const date = toDate(d);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

/** "Wednesday, January 29, 2026" (the grid's tooltip) */
export function longDate(date: Date): string {
  return `${WEEKDAYS_LONG[date.getDay()]}, ${MONTHS_LONG[date.getMonth()]} ${date.getDate()}, ${date.getFullYear()}`;
}

/** "Wed, Jan 29, 2026" (the grid's popover) */
export function weekdayDate(date: Date): string {
  return `${WEEKDAYS[date.getDay()]}, ${monthName(date.getMonth())} ${date.getDate()}, ${date.getFullYear()}`;
}

export function metricValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

export function signed(value: number): string {
  const text = Math.abs(value) < 0.0005 ? '0.000' : value.toFixed(3);
  return value > 0 ? `+${text}` : text;
}

/** recall_at_100 → R@100, rmse → RMSE, learning_rate → Learning rate */
export function metricLabel(name: string): string {
  const atK = /^(recall|precision|ndcg|map|hit_rate)_at_(\d+)$/.exec(name);
  if (atK) {
    const short: Record<string, string> = { recall: 'R', precision: 'P', ndcg: 'NDCG', map: 'MAP', hit_rate: 'HR' };
    return `${short[atK[1]!]}@${atK[2]}`;
  }
  if (/^(rmse|mae|mse|auc|mrr)$/.test(name)) return name.toUpperCase();
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Orders metric names for display: recall@k by k first, then the rest by name. */
export function byMetricOrder(a: string, b: string): number {
  const k = (name: string) => Number(/_at_(\d+)$/.exec(name)?.[1] ?? Infinity);
  return k(a) - k(b) || a.localeCompare(b);
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
