import { h, mount } from './dom';
import { capitalize } from './format';
import { MODEL_TYPE_OPTIONS, SORT_OPTIONS, STATUS_OPTIONS, type Filters } from './url-state';
import { icon } from './icons';

/** Seed 000, section 3: type, status, sort and a search debounced by 300 ms, plus refresh. */
const SEARCH_DEBOUNCE_MS = 300;
const STATUS_LABELS: Record<(typeof STATUS_OPTIONS)[number], string> = {
  blessed: 'Blessed', not_blessed: 'Not Blessed', deployed: 'Deployed', idle: 'Idle', pending: 'Pending',
};
const SORT_LABELS: Record<(typeof SORT_OPTIONS)[number], string> = {
  latest: 'Sort: Latest', oldest: 'Sort: Oldest', best: 'Sort: Best Metrics', name: 'Sort: Name A-Z',
};

export class FilterBar {
  private readonly type = h('select', { id: 'filter-type', name: 'type' },
    h('option', { value: '' }, 'All Types'), MODEL_TYPE_OPTIONS.map((t) => h('option', { value: t }, capitalize(t))));
  private readonly status = h('select', { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'All Status'), STATUS_OPTIONS.map((s) => h('option', { value: s }, STATUS_LABELS[s])));
  private readonly sort = h('select', { id: 'filter-sort', name: 'sort' }, SORT_OPTIONS.map((s) => h('option', { value: s }, SORT_LABELS[s])));
  private readonly search = h('input', {
    id: 'filter-search', name: 'q', type: 'search', placeholder: 'Search models…', autocomplete: 'off', maxlength: 100, spellcheck: 'false',
  });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = '';

  constructor(root: HTMLElement, private readonly onChange: (filters: Filters) => void, onRefresh: () => void) {
    const label = (forId: string, text: string) => h('label', { for: forId, class: 'sr-only' }, text);
    mount(root,
      label('filter-type', 'Model type'), this.type,
      label('filter-status', 'Status'), this.status,
      label('filter-sort', 'Sort order'), this.sort,
      h('div', { class: 'search-box' }, icon('search', 'search-icon'), label('filter-search', 'Search models by name'), this.search),
      h('button', { type: 'button', class: 'btn', id: 'refresh', onclick: onRefresh, title: 'Reload KPIs, calendar and models' }, icon('refresh'), 'Refresh'));
    for (const select of [this.type, this.status, this.sort]) select.addEventListener('change', () => this.emit());
    this.search.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.emit(), SEARCH_DEBOUNCE_MS);
    });
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.emit();
    });
  }

  value(): Filters {
    return {
      type: this.type.value as Filters['type'],
      status: this.status.value as Filters['status'],
      sort: this.sort.value as Filters['sort'],
      q: this.search.value.trim(),
    };
  }

  /** Shows a state (from the URL) without reporting it as a change. */
  set(filters: Filters): void {
    this.type.value = filters.type;
    this.status.value = filters.status;
    this.sort.value = filters.sort;
    this.search.value = filters.q;
    this.last = JSON.stringify(this.value());
  }

  private emit(): void {
    clearTimeout(this.timer);
    const filters = this.value();
    const key = JSON.stringify(filters);
    if (key === this.last) return;
    this.last = key;
    this.onChange(filters);
  }
}
