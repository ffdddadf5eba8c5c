import type { AppContext } from './context';
import { gridDays, monthLabels, type GridDay } from './calendar-days';
import { h, isActivation, mount } from './dom';
import { capitalize, longDate, plural, time, weekdayDate } from './format';
import type { CalendarData, CalendarDayEntries, CalendarHistorical, CalendarScheduled } from './types';
import type { GridHistoryDay, GridRunGroup, GridSlotsDay } from '../../shared/domain/calendar-grid';
import { browserTimeZone } from './calendar-days';
import { describeError } from './api';
import { modelHref, searchHref } from './url-state';
import { icon, type IconName } from './icons';

/**
 * Seed 000, section 2: the GitHub-style training activity grid. One column per week (Monday on
 * top), one cell per day; past days count the runs that happened, today and later the planned ones.
 */
export interface GridRange {
  weeksPast: number;
  weeksFuture: number;
}

interface Missed {
  name: string;
  fireTime?: string;
  familyId?: string;
  /** How many of the schedule's slots that day had no run. */
  slots?: number;
}

/** A day of the grid: its counts and first names; its every entry is fetched when the popover opens. */
interface DayCell {
  day: GridDay;
  historical: GridHistoryDay | undefined;
  scheduled: GridSlotsDay | undefined;
  missed: GridSlotsDay | undefined;
  el: HTMLElement;
}

const DAY_LABELS = ['M', 'T', 'W', 'T', 'F', 'S', 'S'];
/** A week column's width plus the gap after it (activity-grid.css), and the space kept between month labels. */
const CELL_PITCH = 14;
const LABEL_SPACE = 4;
const STATUS_TEXT: Record<string, { icon: IconName; text: string }> = {
  completed: { icon: 'check', text: 'Completed' },
  not_blessed: { icon: 'alert', text: 'Not blessed' },
  failed: { icon: 'xCircle', text: 'Failed' },
  running: { icon: 'clock', text: 'Running' },
  scheduled: { icon: 'calendar', text: 'Scheduled' },
};

function level(count: number): string {
  return count === 0 ? 'empty' : `level-${Math.min(count, 4)}`;
}

export class ActivityGrid {
  private cells: DayCell[] = [];
  private names: string[] = [];
  /** Days already fetched for a popover, until the grid is drawn again. */
  private days = new Map<string, Promise<CalendarDayEntries>>();
  private readonly tooltip = h('div', { class: 'grid-tooltip', role: 'tooltip', id: 'grid-tooltip', hidden: true });
  private popover: { el: HTMLElement; cell: DayCell; dispose(): void } | null = null;

  constructor(private readonly root: HTMLElement, private readonly ctx: AppContext) {
    document.body.append(this.tooltip);
  }

  /** Draws the grid; without data (loading, or the calendar unavailable) every cell is empty. */
  render(range: GridRange, data: CalendarData | null, notice: { text: string; retry?: () => void } | null = null, now = new Date()): void {
    this.closePopover(false);
    this.names = (data?.schedules ?? []).map((s) => s.name);
    this.days.clear();
    const days = gridDays(now, range.weeksPast, range.weeksFuture);
    this.cells = days.map((day) => this.cellFor(day, data));
    const columns = Array.from({ length: range.weeksPast + range.weeksFuture }, (_, week) =>
      h('div', { class: 'schedule-grid-column', role: 'row', 'aria-label': `Week of ${weekdayDate(days[week * 7]!.date)}` },
        this.cells.slice(week * 7, week * 7 + 7).map((c) => c.el)));
    const focusable = this.cells.find((c) => c.day.today) ?? this.cells[0];
    if (focusable) focusable.el.tabIndex = 0;

    const cellsEl = h('div', { class: 'schedule-grid-cells', role: 'grid', 'aria-label': 'Training activity by day; arrow keys move, Enter shows the day', 'aria-busy': data ? null : 'true' }, columns);
    cellsEl.addEventListener('mouseover', (e) => this.hover(e.target));
    cellsEl.addEventListener('mouseleave', () => this.hideTooltip());
    cellsEl.addEventListener('focusin', (e) => this.hover(e.target));
    cellsEl.addEventListener('focusout', () => this.hideTooltip());
    cellsEl.addEventListener('click', (e) => {
      const cell = this.cellOf(e.target);
      if (cell) this.openPopover(cell);
    });
    cellsEl.addEventListener('keydown', (e) => this.onKey(e));

    mount(this.root,
      h('div', { class: 'training-schedule-grid-header' },
        h('h2', { class: 'training-schedule-grid-title', id: 'activity-title' }, 'Training Activity'),
        h('span', { class: 'schedule-grid-range' },
          h('span', {}, `◄ Past ${plural(range.weeksPast, 'week')}`), h('span', { class: 'range-today' }, 'Today'), h('span', {}, `Next ${plural(range.weeksFuture, 'week')} ►`)),
        h('details', { class: 'grid-help' },
          h('summary', {}, '? Help'),
          h('p', {}, 'Each column is a week, Monday on top. Past days count training runs that happened (red: a run failed; orange corner: a scheduled run never started); today and later count runs the active schedules will start. Hover or focus a day for names; click or press Enter for details.'))),
      h('div', { class: 'schedule-grid-body' },
      h('div', { class: 'schedule-grid-scroll' },
        h('div', { class: 'schedule-grid-container' },
          h('div', { class: 'schedule-grid-days', 'aria-hidden': 'true' }, DAY_LABELS.map((d) => h('div', { class: 'schedule-grid-day-label' }, d))),
          h('div', { class: 'schedule-grid-weeks' },
            h('div', { class: 'schedule-grid-months', 'aria-hidden': 'true' },
              monthLabels(days).map((m) => h('span', {
                class: 'schedule-grid-month', 'data-week': m.week,
                style: m.endsBefore === undefined ? `left:${m.week * CELL_PITCH}px` : `right:calc(100% - ${m.endsBefore * CELL_PITCH - LABEL_SPACE}px)`,
              }, m.label))),
            cellsEl))),
      this.freshness(data)),
      h('div', { class: 'schedule-grid-legend' },
        h('span', {}, 'Less'),
        ['empty', 'level-1', 'level-2', 'level-3', 'level-4'].map((l) => h('div', { class: `schedule-grid-legend-cell ${l}`, title: l === 'empty' ? 'No training' : `${l.slice(-1)}${l === 'level-4' ? '+' : ''} runs` })),
        h('span', {}, 'More'),
        h('span', { class: 'schedule-grid-legend-item' }, h('div', { class: 'schedule-grid-legend-cell level-1 has-failed' }), 'Failed run'),
        h('span', { class: 'schedule-grid-legend-item' }, h('div', { class: 'schedule-grid-legend-cell empty has-missed' }), 'Missed slot'),
        h('span', { class: 'schedule-grid-legend-item' }, h('div', { class: 'schedule-grid-legend-cell empty today' }), 'Today'),
        h('span', { class: 'schedule-grid-legend-split' }, '◄ Historical (completed/failed) │ Scheduled (future) ►')),
      notice ? h('p', { class: 'grid-notice', role: 'status' }, notice.text, notice.retry ? h('button', { type: 'button', class: 'btn btn-small', onclick: notice.retry }, icon('refresh'), 'Retry') : null) : null,
      (data?.warnings ?? []).map((w) => h('p', { class: 'grid-warning' }, icon('alert'), w.message)));
  }

  private cellFor(day: GridDay, data: CalendarData | null): DayCell {
    const historical = data?.historical[day.key];
    const scheduled = data?.scheduled[day.key];
    const missed = data?.missed[day.key];
    const count = (historical?.runs ?? 0) + (scheduled?.count ?? 0);
    const classes = ['schedule-grid-cell', level(count)];
    if (day.past) classes.push('past');
    if (day.today) classes.push('today');
    if ((historical?.statuses.failed ?? 0) > 0) classes.push('has-failed');
    if (missed) classes.push('has-missed');
    const el = h('div', {
      class: classes.join(' '), role: 'gridcell', tabindex: -1, 'data-date': day.key, 'data-count': count,
      'aria-label': `${longDate(day.date)}: ${summary(historical, scheduled, missed)}`,
      'aria-current': day.today ? 'date' : null, 'aria-haspopup': 'dialog',
    }, count > 0 ? (count > 9 ? '9+' : String(count)) : '');
    return { day, historical, scheduled, missed, el };
  }

  private cellOf(target: EventTarget | null): DayCell | undefined {
    const el = (target as HTMLElement | null)?.closest?.('.schedule-grid-cell');
    return el ? this.cells.find((c) => c.el === el) : undefined;
  }

  private hover(target: EventTarget | null): void {
    const cell = this.cellOf(target);
    if (!cell) return;
    const list = (title: string, names: string[], more: number) => names.length
      ? [h('p', { class: 'tooltip-heading' }, title), h('ul', {}, names.map((n) => h('li', {}, n)), more > 0 ? h('li', { class: 'muted' }, `and ${more} more`) : null)]
      : [];
    const { historical: runs, scheduled, missed } = cell;
    const name = (i: number) => this.names[i] ?? '?';
    mount(this.tooltip,
      h('p', { class: 'tooltip-date' }, longDate(cell.day.date)),
      h('hr'),
      runs ? list(`${plural(runs.runs, 'training run')}:`, runs.top.map((g) => `${times(this.groupName(g), g.runs)} — ${statusSummary(g)}`), runs.groups - runs.top.length) : [],
      scheduled ? list(`${plural(scheduled.count, 'training run')} scheduled:`, scheduled.top.map(([i, n]) => times(name(i), n)), scheduled.schedules - scheduled.top.length) : [],
      missed ? list(`${plural(missed.count, 'scheduled run')} missed:`, missed.top.map(([i, n]) => times(name(i), n)), missed.schedules - missed.top.length) : [],
      runs || scheduled || missed ? null : h('p', { class: 'muted' }, 'No training'));
    this.tooltip.hidden = false;
    const box = cell.el.getBoundingClientRect();
    const tip = this.tooltip.getBoundingClientRect();
    const left = Math.max(8, Math.min(box.left + box.width / 2 - tip.width / 2, window.innerWidth - tip.width - 8));
    const top = box.top - tip.height - 8 >= 0 ? box.top - tip.height - 8 : box.bottom + 8;
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${top}px`;
  }

  private groupName(g: GridRunGroup): string {
    return g.schedule === undefined ? g.label ?? '?' : this.names[g.schedule] ?? '?';
  }

  /** A day's every entry, fetched once per drawing of the grid (a failure is not kept). */
  private dayEntries(key: string): Promise<CalendarDayEntries> {
    let entries = this.days.get(key);
    if (!entries) {
      entries = this.ctx.api.call((c) => c.GET('/api/training-schedules/calendar/days/{date}', {
        params: { path: { date: key }, query: { tz: browserTimeZone() } },
      })) as Promise<CalendarDayEntries>;
      this.days.set(key, entries);
      entries.catch(() => this.days.delete(key));
    }
    return entries;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }

  private onKey(event: KeyboardEvent): void {
    const cell = this.cellOf(event.target);
    if (!cell) return;
    const index = this.cells.indexOf(cell);
    const moves: Record<string, number> = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7 };
    if (isActivation(event)) {
      event.preventDefault();
      this.openPopover(cell);
      return;
    }
    const step = moves[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const sameColumn = step === -1 ? cell.day.weekday > 0 : step === 1 ? cell.day.weekday < 6 : true;
    const next = sameColumn ? this.cells[index + step] : undefined;
    if (!next) return;
    cell.el.tabIndex = -1;
    next.el.tabIndex = 0;
    next.el.focus();
  }

  /** Families by time since their last blessed version, stalest first (from the calendar API). */
  private freshness(data: CalendarData | null): HTMLElement | null {
    const families = [...(data?.families ?? [])];
    if (families.length === 0) return null;
    families.sort((a, b) => (b.daysSinceLastBlessed ?? Infinity) - (a.daysSinceLastBlessed ?? Infinity) || a.familyId.localeCompare(b.familyId));
    return h('aside', { class: 'freshness', 'aria-labelledby': 'freshness-title' },
      h('h3', { id: 'freshness-title' }, 'Since last blessed'),
      h('ul', {}, families.map((f) => {
        const days = f.daysSinceLastBlessed;
        // Fresh within two weeks, ageing within a month, stale after (or never blessed).
        const tone = days === null || days >= 30 ? 'stale' : days >= 14 ? 'aging' : 'fresh';
        return h('li', { class: `freshness-${tone}`, 'data-family': f.familyId },
          this.link(f.familyId, searchHref(f.familyId), 'freshness-family'),
          h('span', { class: 'freshness-days' }, days === null ? 'never' : days === 0 ? 'today' : `${plural(days, 'day')}`));
      })));
  }

  private link(label: string, href: string, className = 'btn btn-small'): HTMLElement {
    return h('a', {
      href, class: className,
      onclick: (e: MouseEvent) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        this.closePopover(false);
        this.ctx.navigate(href);
      },
    }, label);
  }

  private scheduledCard(s: CalendarScheduled): HTMLElement {
    return h('li', { class: 'popover-card' },
      h('p', { class: 'popover-card-title' }, icon(s.scheduleType === 'once' ? 'calendar' : 'repeat'), s.name),
      h('p', {}, `Schedule: ${s.description ?? capitalize(s.scheduleType)}`),
      s.fires && s.fires > 1 ? h('p', {}, `Fires ${s.fires} times${s.fireTime ? `, first at ${time(s.fireTime)}` : ''}`)
        : s.fireTime ? h('p', {}, `Starts: ${time(s.fireTime)}`) : null,
      h('p', {}, `Type: ${capitalize(s.type)}`),
      s.familyId ? this.link('View models', searchHref(s.familyId)) : null);
  }

  private historicalCard(r: CalendarHistorical): HTMLElement {
    const status = STATUS_TEXT[r.status] ?? { icon: 'info' as const, text: r.status };
    const grouped = (r.runs ?? 1) > 1 || (r.label !== undefined && r.runId === null);
    return h('li', { class: `popover-card run-${r.status}` },
      h('p', { class: 'popover-card-title' }, icon(status.icon), grouped ? r.label ?? r.name : r.name),
      grouped ? h('p', {}, `${plural(r.runs ?? 1, 'run')}: ${statusSummary(r)}`) : null,
      r.runId === null ? null : h('p', {}, `${grouped ? `Latest: ${r.name}, ${status.text.toLowerCase()}` : `Status: ${status.text}`}${r.at ? ` at ${time(r.at)}` : ''}`),
      h('p', {}, `Type: ${capitalize(r.type)}`),
      r.versionId ? this.link('View model', modelHref(r.versionId)) : r.familyId ? this.link('View models', searchHref(r.familyId)) : null);
  }

  private missedCard(m: Missed): HTMLElement {
    return h('li', { class: 'popover-card run-missed' },
      h('p', { class: 'popover-card-title' }, icon('clock'), m.name),
      h('p', {}, (m.slots ?? 1) > 1
        ? `${m.slots} slots from ${m.fireTime ? time(m.fireTime) : 'this day'} had no run`
        : `Scheduled${m.fireTime ? ` for ${time(m.fireTime)}` : ''}, but no run started`),
      m.familyId ? this.link('View models', searchHref(m.familyId)) : null);
  }

  private openPopover(cell: DayCell): void {
    this.closePopover(false);
    this.hideTooltip();
    const titleId = 'grid-popover-title';
    const section = (iconName: IconName, title: string, items: HTMLElement[]) => items.length ? [h('h4', {}, icon(iconName), title), h('ul', { class: 'popover-list' }, items)] : [];
    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: () => this.closePopover(true) }, '×');
    const body = h('div', { class: 'popover-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
    const el = h('div', { class: 'grid-popover', role: 'dialog', 'aria-labelledby': titleId, 'data-date': cell.day.key },
      h('header', {}, h('h3', { id: titleId }, weekdayDate(cell.day.date)), close),
      body);
    const fill = () => this.dayEntries(cell.day.key).then(
      (day) => {
        if (!el.isConnected) return;
        body.removeAttribute('aria-busy');
        mount(body,
          section('calendar', 'Scheduled Training Runs', day.scheduled.map((s) => this.scheduledCard(s))),
          section('history', 'Training History', day.historical.map((r) => this.historicalCard(r))),
          section('clock', 'Missed Slots', day.missed.map((m) => this.missedCard(m))),
          day.scheduled.length + day.historical.length + day.missed.length === 0 ? h('p', { class: 'muted' }, 'No training on this day.') : null);
        this.place(el, cell);
      },
      (error: unknown) => {
        body.removeAttribute('aria-busy');
        mount(body, h('p', { class: 'grid-notice', role: 'status' }, `This day could not be loaded: ${describeError(error)}`,
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => void fill() }, icon('refresh'), 'Retry')));
      });
    void fill();
    document.body.append(el);
    this.place(el, cell);

    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.closePopover(true);
      }
    };
    const onOutside = (e: MouseEvent) => {
      if (!el.contains(e.target as Node) && !cell.el.contains(e.target as Node)) this.closePopover(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onOutside, true);
    this.popover = {
      el, cell,
      dispose: () => {
        document.removeEventListener('keydown', onKey);
        document.removeEventListener('mousedown', onOutside, true);
        el.remove();
      },
    };
    close.focus();
  }

  /** Below the day when it fits, else above; moved again once the day's entries have arrived. */
  private place(el: HTMLElement, cell: DayCell): void {
    const box = cell.el.getBoundingClientRect();
    const left = Math.max(8, Math.min(box.left - 20, window.innerWidth - el.offsetWidth - 8));
    const fitsBelow = box.bottom + 8 + el.offsetHeight <= window.innerHeight;
    el.style.left = `${left}px`;
    el.style.top = `${fitsBelow ? box.bottom + 8 : Math.max(8, box.top - el.offsetHeight - 8)}px`;
  }

  private closePopover(returnFocus: boolean): void {
    const open = this.popover;
    if (!open) return;
    this.popover = null;
    open.dispose();
    if (returnFocus) open.cell.el.focus();
  }
}

const times = (name: string, n: number | undefined) => (n && n > 1 ? `${name} ×${n}` : name);

/** "3 completed, 1 failed", or the one run's status. */
function statusSummary(r: Pick<CalendarHistorical, 'statuses'> & { status?: string }): string {
  const counts = Object.entries(r.statuses ?? {}).filter(([, n]) => n && n > 0);
  if (counts.length === 0) return r.status ? (STATUS_TEXT[r.status]?.text ?? r.status).toLowerCase() : '';
  return counts.map(([status, n]) => `${n} ${(STATUS_TEXT[status]?.text ?? status).toLowerCase()}`).join(', ');
}

function summary(historical: GridHistoryDay | undefined, scheduled: GridSlotsDay | undefined, missed: GridSlotsDay | undefined): string {
  const parts = [];
  if (historical) parts.push(`${plural(historical.runs, 'training run')}`);
  if (scheduled) parts.push(`${plural(scheduled.count, 'training run')} scheduled`);
  if (missed) parts.push(`${missed.count} missed`);
  return parts.join(', ') || 'no training';
}
