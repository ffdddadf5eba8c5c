import type { ModelSort, ModelStatusFilter, ModelType } from './types';

/**
 * What the dashboard shows lives in the query string, so a view can be shared and a reload
 * restores it: filters, the open model and its tab, and the grid's range.
 */
export const MODEL_TYPE_OPTIONS = ['retrieval', 'ranking', 'hybrid', 'multitask'] as const satisfies readonly ModelType[];
export const STATUS_OPTIONS = ['blessed', 'not_blessed', 'deployed', 'idle', 'pending'] as const satisfies readonly ModelStatusFilter[];
export const SORT_OPTIONS = ['latest', 'oldest', 'best', 'name'] as const satisfies readonly ModelSort[];
export const TABS = ['overview', 'versions', 'artifacts', 'deployment', 'lineage'] as const;
export type TabId = (typeof TABS)[number];

export interface Filters {
  type: ModelType | '';
  status: ModelStatusFilter | '';
  sort: ModelSort;
  q: string;
}

export interface ViewState extends Filters {
  /** Page size of the models table (the API's default when null). */
  pageSize: number | null;
  model: string | null;
  tab: TabId;
  weeksPast: number;
  weeksFuture: number;
}

export const DEFAULT_WEEKS_PAST = 10;
export const DEFAULT_WEEKS_FUTURE = 30;

function oneOf<T extends string>(options: readonly T[], value: string | null): T | null {
  return value !== null && (options as readonly string[]).includes(value) ? (value as T) : null;
}

function intIn(value: string | null, min: number, max: number): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

export function readViewState(search = location.search): ViewState {
  const p = new URLSearchParams(search);
  return {
    type: oneOf(MODEL_TYPE_OPTIONS, p.get('type')) ?? '',
    status: oneOf(STATUS_OPTIONS, p.get('status')) ?? '',
    sort: oneOf(SORT_OPTIONS, p.get('sort')) ?? 'latest',
    q: (p.get('q') ?? '').slice(0, 100),
    pageSize: intIn(p.get('page_size'), 1, 100),
    model: p.get('model') || null,
    tab: oneOf(TABS, p.get('tab')) ?? 'overview',
    weeksPast: intIn(p.get('weeks_past'), 0, 52) ?? DEFAULT_WEEKS_PAST,
    weeksFuture: intIn(p.get('weeks_future'), 1, 52) ?? DEFAULT_WEEKS_FUTURE,
  };
}

/** The query string of a state; defaults are left out so shared links stay short. */
export function queryOf(state: ViewState): string {
  const p = new URLSearchParams();
  if (state.type) p.set('type', state.type);
  if (state.status) p.set('status', state.status);
  if (state.sort !== 'latest') p.set('sort', state.sort);
  if (state.q) p.set('q', state.q);
  if (state.pageSize !== null) p.set('page_size', String(state.pageSize));
  if (state.weeksPast !== DEFAULT_WEEKS_PAST) p.set('weeks_past', String(state.weeksPast));
  if (state.weeksFuture !== DEFAULT_WEEKS_FUTURE) p.set('weeks_future', String(state.weeksFuture));
  if (state.model) {
    p.set('model', state.model);
    if (state.tab !== 'overview') p.set('tab', state.tab);
  }
  const qs = p.toString();
  return qs ? `?${qs}` : location.pathname;
}

/** Updates the address bar without a new history entry (typing a search is not navigation). */
export function updateViewState(change: Partial<ViewState>): ViewState {
  const next = { ...readViewState(), ...change };
  history.replaceState(history.state, '', queryOf(next) + location.hash);
  return next;
}

/** A link to a model's modal that keeps the current filters. */
export function modelHref(versionId: string, tab: TabId = 'overview'): string {
  return queryOf({ ...readViewState(), model: versionId, tab });
}

/** A link to the table filtered by a search (used for a schedule's family). */
export function searchHref(q: string): string {
  return queryOf({ ...readViewState(), q, type: '', status: '', model: null });
}
