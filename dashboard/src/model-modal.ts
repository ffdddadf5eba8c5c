import { ApiError, describeError } from './api';
import { mayAct } from './auth';
import { versionBadge, typeBadge } from './badges';
import type { AppContext } from './context';
import { h, mount } from './dom';
import { mediumDate } from './format';
import { vertexModelUrl } from './links';
import { canDeploy, deployVersion, DEPLOYER_ONLY, downloadZip, openInVertex, undeployVersion } from './model-actions';
import { artifactsTab } from './tabs/artifacts';
import { deploymentTab } from './tabs/deployment';
import { lineageTab } from './tabs/lineage';
import { overviewTab } from './tabs/overview';
import { errorBlock, loadingBlock } from './tabs/parts';
import { defaultComparison, versionsTab } from './tabs/versions';
import type { DeploymentEvent, LineageResponse, ModelVersionView, VersionDetail, VersionsResponse } from './types';
import { TABS, type TabId } from './url-state';
import { icon } from './icons';

const TAB_LABELS: Record<TabId, string> = { overview: 'Overview', versions: 'Versions', artifacts: 'Artifacts', deployment: 'Deployment', lineage: 'Lineage' };

/**
 * Seed 000, section 5: the model view modal. Overview, Artifacts and Deployment come from the
 * version itself; Versions and Lineage are fetched when first shown and kept while the modal
 * shows the same version.
 */
export class ModelModal {
  private dialog: HTMLDialogElement | null = null;
  private id: string | null = null;
  private view: VersionDetail | null = null;
  private tab: TabId = 'overview';
  private history: Promise<VersionsResponse> | null = null;
  private lineage: Promise<LineageResponse> | null = null;
  private deployments: Promise<DeploymentEvent[]> | null = null;
  private selected: string[] | null = null;
  /** Bumped on every render so a slow answer for an earlier tab or version is dropped. */
  private renderSeq = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly onTabChange: (id: string, tab: TabId) => void,
    private readonly onClose: () => void,
  ) {}

  get openId(): string | null {
    return this.id;
  }

  async open(id: string, tab: TabId, known?: ModelVersionView): Promise<void> {
    if (id !== this.id) {
      this.id = id;
      this.view = known ?? null;
      this.history = null;
      this.lineage = null;
      this.deployments = null;
      this.selected = null;
    }
    this.tab = tab;
    this.ensureDialog();
    this.render();
    if (!this.view) await this.fetchView(id);
  }

  close(): void {
    this.dialog?.close();
  }

  /** A version changed elsewhere (deploy/undeploy): show its new state if it is the one open. */
  update(view: ModelVersionView): void {
    this.history = null; // a status in the family's history changed
    if (view.id !== this.id) return;
    this.view = view;
    this.deployments = null;
    this.render();
  }

  private async fetchView(id: string): Promise<void> {
    try {
      const view = await this.ctx.api.call<VersionDetail>((c) => c.GET('/api/models/{id}', { params: { path: { id } } }));
      if (this.id !== id) return;
      this.view = view;
      this.render();
    } catch (error) {
      if (this.id !== id || !this.dialog) return;
      const notFound = error instanceof ApiError && error.status === 404 && !error.routeMissing;
      mount(this.dialog, this.header(null),
        h('div', { class: 'modal-body' }, errorBlock(notFound ? `There is no model version "${id}".` : describeError(error), notFound ? undefined : () => void this.fetchView(id))));
    }
  }

  private ensureDialog(): void {
    if (this.dialog?.open) return;
    const dialog = h('dialog', { class: 'model-modal', 'aria-labelledby': 'model-modal-title' });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (this.dialog !== dialog) return;
      this.dialog = null;
      this.id = null;
      this.view = null;
      this.onClose();
    });
    document.body.append(dialog);
    dialog.showModal();
    this.dialog = dialog;
  }

  private header(view: VersionDetail | null): HTMLElement {
    return h('header', { class: 'modal-header' },
      h('div', { class: 'modal-heading' },
        h('h2', { id: 'model-modal-title' }, icon('box', 'title-icon'), view?.name ?? this.id ?? ''),
        view ? h('p', { class: 'modal-sub' }, `Version ${view.version} • Registered ${mediumDate(view.registeredAt)} • `, typeBadge(view.modelType)) : null),
      h('div', { class: 'modal-header-right' },
        view ? versionBadge(view) : null,
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: () => this.close() }, '×')));
  }

  private tabList(): HTMLElement {
    const tabs = TABS.map((tab) => h('button', {
      type: 'button', role: 'tab', id: `model-tab-${tab}`, class: 'tab', 'aria-selected': String(tab === this.tab),
      'aria-controls': 'model-tab-panel', tabindex: tab === this.tab ? 0 : -1, 'data-tab': tab,
      onclick: () => this.switchTab(tab),
    }, TAB_LABELS[tab]));
    const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Model details' }, tabs);
    list.addEventListener('keydown', (e) => {
      const index = TABS.indexOf(this.tab);
      const next = e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
      if (next === null) return;
      e.preventDefault();
      const tab = TABS[(next + TABS.length) % TABS.length]!;
      this.switchTab(tab);
      list.querySelector<HTMLElement>(`[data-tab="${tab}"]`)?.focus();
    });
    return list;
  }

  private switchTab(tab: TabId): void {
    if (!this.id || tab === this.tab) return;
    this.tab = tab;
    this.onTabChange(this.id, tab);
    this.render();
  }

  private footer(view: VersionDetail): HTMLElement {
    const deployer = mayAct(this.ctx.identity(), 'deployer');
    const deployButton = view.deployed
      ? h('button', { type: 'button', class: 'btn btn-danger', onclick: () => void undeployVersion(this.ctx, view) }, icon('stop'), 'Undeploy')
      : h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void deployVersion(this.ctx, view) }, icon('rocket'), 'Deploy to Endpoint');
    if (!deployer || (!view.deployed && !canDeploy(view))) {
      deployButton.disabled = true;
      deployButton.title = deployer ? 'Only blessed versions that are not serving can be deployed from here' : DEPLOYER_ONLY;
    }
    const vertexUrl = vertexModelUrl(view.vertex.modelResourceName, view.vertex.versionId);
    return h('footer', { class: 'modal-footer' },
      deployButton,
      h('button', { type: 'button', class: 'btn', onclick: () => this.switchTab('versions') }, icon('chart'), 'Compare Versions'),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'btn', onclick: () => void downloadZip(this.ctx, view) }, icon('download'), 'Download ZIP'),
      h('button', { type: 'button', class: 'btn', disabled: !vertexUrl, onclick: () => openInVertex(view) }, icon('external'), 'Open in Vertex AI'));
  }

  private render(): void {
    const dialog = this.dialog;
    if (!dialog) return;
    const focused = document.activeElement;
    const tabHadFocus = focused instanceof HTMLElement && focused.getAttribute('role') === 'tab' && dialog.contains(focused);
    const panel = h('div', { class: 'modal-body', role: 'tabpanel', id: 'model-tab-panel', 'aria-labelledby': `model-tab-${this.tab}`, tabindex: 0, 'data-panel': this.tab });
    const tabs = this.tabList();
    const scrolled = dialog.querySelector('.tabs')?.scrollLeft ?? 0;
    mount(dialog, this.header(this.view), tabs, panel, this.view ? this.footer(this.view) : null);
    revealSelectedTab(tabs, scrolled);
    if (tabHadFocus) dialog.querySelector<HTMLElement>(`[data-tab="${this.tab}"]`)?.focus();
    this.renderPanel(panel);
  }

  private renderPanel(panel: HTMLElement): void {
    const seq = ++this.renderSeq;
    const view = this.view;
    const fill = (content: HTMLElement) => {
      if (seq === this.renderSeq) mount(panel, content);
    };
    if (!view) {
      fill(loadingBlock('the model'));
      return;
    }
    switch (this.tab) {
      case 'overview': fill(overviewTab(view)); break;
      case 'artifacts': fill(artifactsTab(this.ctx, view)); break;
      case 'deployment': fill(deploymentTab(this.ctx, view, this.deploymentHistory(view.id))); break;
      case 'versions': this.fillVersions(view, panel, fill); break;
      case 'lineage': this.fillLineage(view, fill); break;
    }
  }

  private fillVersions(view: VersionDetail, panel: HTMLElement, fill: (el: HTMLElement) => void): void {
    fill(loadingBlock('the version history'));
    this.history ??= this.ctx.api.call<VersionsResponse>((c) => c.GET('/api/models/{id}/versions', { params: { path: { id: view.id } } }));
    this.history.then((history) => {
      const draw = (selected: string[]) => fill(versionsTab({
        currentId: view.id, history, selected,
        onSelect: (ids) => {
          this.selected = ids;
          const focusedVersion = (document.activeElement as HTMLElement | null)?.dataset.version;
          draw(ids);
          if (focusedVersion) panel.querySelector<HTMLElement>(`[data-version="${focusedVersion}"]`)?.focus();
        },
        onView: (id) => this.ctx.openModel(id, 'overview', history.items.find((v) => v.id === id)),
      }));
      this.selected ??= defaultComparison(history, view.id);
      draw(this.selected);
    }, (error: unknown) => {
      this.history = null;
      fill(errorBlock(describeError(error), () => this.render()));
    });
  }

  private deploymentHistory(id: string): Promise<DeploymentEvent[]> {
    if (this.deployments) return this.deployments;
    const request = this.ctx.api.call<{ items: DeploymentEvent[] }>((c) => c.GET('/api/models/{id}/deployments', { params: { path: { id } } })).then((r) => r.items);
    // A failure is shown in the tab; the next visit asks again.
    request.catch(() => {
      if (this.deployments === request) this.deployments = null;
    });
    this.deployments = request;
    return request;
  }

  private fillLineage(view: VersionDetail, fill: (el: HTMLElement) => void): void {
    fill(loadingBlock('the lineage'));
    this.lineage ??= this.ctx.api.call<LineageResponse>((c) => c.GET('/api/models/{id}/lineage', { params: { path: { id: view.id } } }));
    this.lineage.then(
      (lineage) => fill(lineageTab(lineage, view.name, (id) => this.ctx.openModel(id, 'overview'))),
      (error: unknown) => {
        this.lineage = null;
        fill(errorBlock(describeError(error), () => this.render()));
      });
  }
}

/** The tab row scrolls on a narrow screen and is drawn anew on each switch: keep its scroll, moved just enough to show the selected tab. */
function revealSelectedTab(list: HTMLElement, scrolled: number): void {
  const tab = list.querySelector<HTMLElement>('[aria-selected="true"]');
  if (!tab || list.scrollWidth <= list.clientWidth) return;
  const left = tab.offsetLeft - 8;
  const right = tab.offsetLeft + tab.offsetWidth + 8 - list.clientWidth;
  list.scrollLeft = Math.max(right, Math.min(scrolled, left));
}
