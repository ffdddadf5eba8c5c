import { describeError, isAbort } from './api';
import { statusBadge, typeBadge } from './badges';
import type { AppContext } from './context';
import { h, mount } from './dom';
import { dateTime, metricValue, shortDate } from './format';
import { openMenu } from './menu';
import { mayAct } from './auth';
import { EDITOR_ONLY, versionMenuItems } from './model-actions';
import type { ListModelsResponse, ModelVersionView } from './types';
import { modelHref, type Filters } from './url-state';
import { icon } from './icons';

/** Seed 000, section 4: the registered models table with cursor pagination ("Load more"). */
export class ModelsTable {
  private items: ModelVersionView[] = [];
  private nextCursor: string | null = null;
  private filters: Filters | null = null;
  private pageSize: number | null = null;
  private inFlight: AbortController | null = null;
  private loadingMore = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly ctx: AppContext,
    private readonly actions: { clearFilters(): void; startTrainingRun(): void },
  ) {}

  versions(): ModelVersionView[] {
    return this.items;
  }

  /** Loads the first page for these filters; a newer load cancels an older one still running. */
  async load(filters: Filters, pageSize: number | null): Promise<void> {
    this.filters = filters;
    this.pageSize = pageSize;
    this.items = [];
    this.nextCursor = null;
    this.loadingMore = false;
    this.renderLoading();
    const outcome = await this.fetchPage(null);
    if (outcome === 'aborted') return;
    if (outcome === 'ok') this.render();
    else this.renderError(outcome.error);
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    const before = this.items.length;
    const hadFocus = document.activeElement?.id === 'load-more';
    this.loadingMore = true;
    this.render();
    const outcome = await this.fetchPage(this.nextCursor);
    if (outcome === 'aborted') return;
    this.loadingMore = false;
    this.render(outcome === 'ok' ? undefined : outcome.error);
    // Keyboard users continue from the first new row rather than from the top of the page.
    if (hadFocus) (this.root.querySelectorAll<HTMLElement>('.model-link')[before] ?? this.root.querySelector<HTMLElement>('#load-more'))?.focus();
  }

  /** Shows a version's new state (after deploy/undeploy) where it is listed. */
  replace(view: ModelVersionView): void {
    const index = this.items.findIndex((v) => v.id === view.id);
    if (index < 0) return;
    this.items[index] = view;
    this.render();
  }

  private async fetchPage(cursor: string | null): Promise<'ok' | 'aborted' | { error: string }> {
    const f = this.filters;
    if (!f) return 'aborted';
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const page: ListModelsResponse = await this.ctx.api.call((c) => c.GET('/api/models', {
        params: { query: { model_type: f.type || undefined, status: f.status || undefined, sort: f.sort, search: f.q || undefined, page_size: this.pageSize ?? undefined, cursor: cursor ?? undefined } },
        signal: controller.signal,
      }));
      this.items = cursor ? [...this.items, ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      return 'ok';
    } catch (error) {
      return isAbort(error) ? 'aborted' : { error: describeError(error) };
    } finally {
      if (this.inFlight === controller) this.inFlight = null;
    }
  }

  private filtered(): boolean {
    return !!this.filters && (this.filters.type !== '' || this.filters.status !== '' || this.filters.q !== '');
  }

  private head(): HTMLElement {
    const col = (label: string, cls: string) => h('th', { scope: 'col', class: cls }, label);
    return h('thead', {}, h('tr', {},
      col('#', 'col-num'), col('Model Name', 'col-name'), col('Type', 'col-type'), col('Ver', 'col-ver'),
      col('Metrics', 'col-metric'), col('Status', 'col-status'), col('Registered', 'col-date'),
      h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'sr-only' }, 'Actions'), h('span', { 'aria-hidden': 'true' }, 'Actions'))));
  }

  private row(view: ModelVersionView, index: number): HTMLElement {
    const href = modelHref(view.id);
    const open = () => this.ctx.openModel(view.id, 'overview', view);
    const menuButton = h('button', {
      type: 'button', class: 'actions-btn', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-label': `Actions for ${view.name}`,
    }, '⋯ ▾');
    menuButton.addEventListener('click', (e) => {
      e.stopPropagation();
      openMenu(menuButton, versionMenuItems(this.ctx, view), `Actions for ${view.name}`);
    });
    const tr = h('tr', { class: 'model-row', 'data-id': view.id },
      h('td', { class: 'col-num' }, index + 1),
      h('td', { class: 'col-name' },
        h('a', { href, class: 'model-link', onclick: (e: MouseEvent) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey) return;
          e.preventDefault();
          open();
        } }, view.name),
        view.name !== view.familyId ? h('span', { class: 'model-family' }, view.familyId) : null),
      h('td', { class: 'col-type' }, typeBadge(view.modelType)),
      h('td', { class: 'col-ver' }, view.version),
      h('td', { class: 'col-metric', 'data-metric': view.primaryMetric?.value ?? '' },
        view.primaryMetric ? [h('span', { class: 'metric-label' }, `${view.primaryMetric.label}: `), metricValue(view.primaryMetric.value)] : '—'),
      h('td', { class: 'col-status' }, statusBadge(view.badge)),
      h('td', { class: 'col-date' }, h('time', { datetime: view.registeredAt, title: dateTime(view.registeredAt) }, shortDate(view.registeredAt))),
      h('td', { class: 'col-actions' }, menuButton));
    tr.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).closest('a, button')) return;
      open();
    });
    return tr;
  }

  private renderLoading(): void {
    this.root.setAttribute('aria-busy', 'true');
    mount(this.root, h('div', { class: 'table-wrap' }, h('table', { class: 'models-table' },
      h('caption', { class: 'sr-only' }, 'Registered models (loading)'),
      this.head(),
      h('tbody', {}, Array.from({ length: 5 }, () => h('tr', { class: 'skeleton-row' }, Array.from({ length: 8 }, () => h('td', {}, h('span', { class: 'skeleton' })))))))),
    h('p', { class: 'sr-only', role: 'status' }, 'Loading models…'));
  }

  private renderError(message: string): void {
    this.root.setAttribute('aria-busy', 'false');
    mount(this.root, h('div', { class: 'state-box state-error', role: 'alert' },
      h('p', { class: 'state-icon' }, icon('alert')),
      h('p', { class: 'state-title' }, 'The models could not be loaded'),
      h('p', { class: 'state-text' }, message),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => this.filters && void this.load(this.filters, this.pageSize) }, icon('refresh'), 'Try again')));
  }

  private renderEmpty(): void {
    if (this.filtered()) {
      mount(this.root, h('div', { class: 'state-box', 'data-state': 'no-match' },
        h('p', { class: 'state-icon' }, icon('search')),
        h('p', { class: 'state-title' }, 'No models match these filters'),
        h('p', { class: 'state-text' }, 'Try another type, status or search.'),
        h('button', { type: 'button', class: 'btn', onclick: () => this.actions.clearFilters() }, 'Clear filters')));
      return;
    }
    mount(this.root, h('div', { class: 'state-box', 'data-state': 'empty' },
      h('p', { class: 'state-icon' }, icon('box')),
      h('p', { class: 'state-title' }, 'No models registered yet'),
      h('p', { class: 'state-text' }, 'Complete a training run with the Pusher component enabled to register models in Vertex AI Model Registry.'),
      h('button', {
        type: 'button', class: 'btn btn-primary', id: 'start-training-run', onclick: () => this.actions.startTrainingRun(),
        ...(mayAct(this.ctx.identity(), 'editor') ? {} : { disabled: true, title: EDITOR_ONLY }),
      }, 'Start Training Run')));
  }

  private render(pageError?: string): void {
    this.root.setAttribute('aria-busy', 'false');
    if (this.items.length === 0) {
      this.renderEmpty();
      return;
    }
    mount(this.root,
      h('div', { class: 'table-wrap' }, h('table', { class: 'models-table' },
        h('caption', { class: 'sr-only' }, 'Registered models'),
        this.head(),
        h('tbody', {}, this.items.map((v, i) => this.row(v, i))))),
      h('div', { class: 'table-footer' },
        h('span', { class: 'muted', role: 'status' }, `Showing ${this.items.length} model${this.items.length === 1 ? '' : 's'}${this.nextCursor ? ' — more available' : ''}`),
        pageError ? h('span', { class: 'inline-error', role: 'alert' }, pageError) : null,
        this.nextCursor
          ? h('button', { type: 'button', class: 'btn', id: 'load-more', disabled: this.loadingMore, onclick: () => void this.loadMore() }, this.loadingMore ? 'Loading…' : 'Load more')
          : null));
  }
}
