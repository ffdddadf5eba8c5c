import { ActivityGrid, type GridRange } from './activity-grid';
import { Api, ApiError, describeError } from './api';
import { forgetToken, identityOf, mayAct, storedToken, storeToken, takeTokenFromFragment, type Identity } from './auth';
import { browserTimeZone } from './calendar-days';
import type { AppContext } from './context';
import { byId, h, mount } from './dom';
import { FilterBar } from './filter-bar';
import { renderKpis } from './kpis';
import { DEPLOYER_ONLY, deployVersion, EDITOR_ONLY } from './model-actions';
import { ModelModal } from './model-modal';
import { ModelsTable } from './models-table';
import { promoteVersion } from './promote-form';
import { renderSignIn } from './sign-in';
import { startTrainingRun } from './training-run-form';
import type { CalendarData } from './types';
import { readViewState, updateViewState, type Filters, type ViewState } from './url-state';
import { icon } from './icons';
import { AuditView } from './audit-view';

/**
 * The dashboard: KPIs, the activity grid and the first page of models load in parallel (three API
 * calls before the first meaningful paint); the modal, versions and lineage load on demand.
 */
takeTokenFromFragment();

let identity: Identity = identityOf(storedToken());
let signedOut = false;
const dashboardEl = byId('dashboard');
const signInEl = byId('signin');
const kpisEl = byId('kpis');

const api = new Api(storedToken, () => signOut('The registry rejected your token (expired or not valid). Paste a new one to continue.'));

const ctx: AppContext = {
  api,
  identity: () => identity,
  versionChanged(view) {
    table.replace(view);
    modal.update(view);
    void loadSummary();
  },
  registryChanged() {
    void refreshAll();
  },
  navigate(href) {
    history.replaceState(history.state, '', href);
    applyState(readViewState());
  },
  openModel(id, tab = 'overview', known) {
    updateViewState({ model: id, tab });
    void modal.open(id, tab, known);
  },
  knownVersions: () => table.versions(),
};

const grid = new ActivityGrid(byId('activity'), ctx);
const table = new ModelsTable(byId('models'), ctx, {
  clearFilters: () => applyFilters({ type: '', status: '', sort: readViewState().sort, q: '' }),
  startTrainingRun: () => void startTrainingRun(ctx),
});
const filterBar = new FilterBar(byId('filters'), (filters) => applyFilters(filters), () => void refreshAll());
const modal = new ModelModal(ctx,
  (_id, tab) => updateViewState({ tab }),
  () => updateViewState({ model: null, tab: 'overview' }));

// Loaded when opened: the audit trail is not what most visits come for.
new AuditView(byId('audit'), api);

let shown: { filters: string; pageSize: number | null; range: string } | null = null;

function filtersOf(state: ViewState): Filters {
  return { type: state.type, status: state.status, sort: state.sort, q: state.q };
}

function rangeOf(state: ViewState): GridRange {
  return { weeksPast: state.weeksPast, weeksFuture: state.weeksFuture };
}

function applyFilters(filters: Filters): void {
  const state = updateViewState(filters);
  filterBar.set(filters);
  shown = { filters: JSON.stringify(filters), pageSize: state.pageSize, range: JSON.stringify(rangeOf(state)) };
  void table.load(filters, state.pageSize);
}

/** Brings the page in line with a state from a link: reloads only what changed. */
function applyState(state: ViewState): void {
  const filters = filtersOf(state);
  if (!shown || shown.filters !== JSON.stringify(filters) || shown.pageSize !== state.pageSize) applyFilters(filters);
  if (shown && shown.range !== JSON.stringify(rangeOf(state))) {
    shown.range = JSON.stringify(rangeOf(state));
    void loadCalendar(rangeOf(state));
  }
  if (state.model) void modal.open(state.model, state.tab);
  else modal.close();
}

/** Blessed versions not serving (the summary's `idle`): what the header's Deploy offers; null while unknown. */
let deployable: number | null = null;

/** The header's Deploy is greyed out, saying why, for a viewer or editor and when there is nothing to deploy. */
function syncDeployButton(): void {
  const button = document.getElementById('deploy-open') as HTMLButtonElement | null;
  if (!button) return;
  const reason = !mayAct(identity, 'deployer') ? DEPLOYER_ONLY
    : deployable === 0 ? 'Nothing to deploy: no blessed version is waiting (each is serving already, or none is blessed yet)'
      : null;
  button.disabled = reason !== null;
  if (reason) button.title = reason;
  else button.removeAttribute('title');
}

async function loadSummary(): Promise<void> {
  try {
    const summary = await api.call((c) => c.GET('/api/models/summary'));
    deployable = summary.idle;
    syncDeployButton();
    renderKpis(kpisEl, ctx, summary);
  } catch (error) {
    // Unknown then: the picker itself says when there is nothing to deploy.
    deployable = null;
    syncDeployButton();
    renderKpis(kpisEl, ctx, null, { text: `The summary could not be loaded: ${describeError(error)}`, retry: () => void loadSummary() });
  }
}

async function loadCalendar(range: GridRange): Promise<void> {
  // Counts and the first few names per day; a day's every entry is fetched when its popover opens.
  const request: Promise<CalendarData> = api.call((c) => c.GET('/api/training-schedules/calendar', {
    params: { query: { weeks_past: range.weeksPast, weeks_future: range.weeksFuture, tz: browserTimeZone() } },
  // (openapi-typescript writes the [schedule, count] tuples as number[].)
  })) as Promise<CalendarData>;
  grid.render(range, null); // the empty grid while the request (already sent) is answered
  try {
    grid.render(range, await request);
  } catch (error) {
    const text = error instanceof ApiError && error.routeMissing
      ? 'The training calendar is not available on this server yet, so the grid shows no activity.'
      : `The training calendar could not be loaded: ${describeError(error)}`;
    grid.render(range, null, { text, retry: () => void loadCalendar(range) });
  }
}

async function refreshAll(): Promise<void> {
  const state = readViewState();
  const filters = filtersOf(state);
  filterBar.set(filters);
  shown = { filters: JSON.stringify(filters), pageSize: state.pageSize, range: JSON.stringify(rangeOf(state)) };
  renderKpis(kpisEl, ctx, null);
  await Promise.all([loadSummary(), loadCalendar(rangeOf(state)), table.load(filters, state.pageSize)]);
}

function renderHeader(): void {
  const actions = byId('header-actions');
  if (signedOut) {
    mount(actions);
    return;
  }
  const promote = h('button', { type: 'button', class: 'btn', id: 'promote-open', onclick: () => void promoteVersion(ctx) }, icon('upload'), 'Promote');
  const deploy = h('button', { type: 'button', class: 'btn btn-primary', id: 'deploy-open', onclick: () => void deployVersion(ctx, null) }, icon('plus'), 'Deploy');
  if (!mayAct(identity, 'editor')) Object.assign(promote, { disabled: true, title: EDITOR_ONLY });
  mount(actions,
    promote, deploy,
    h('span', { class: 'user-chip', title: 'Signed in' },
      icon('user'), identity.email ?? 'signed in', identity.role ? h('span', { class: 'role' }, identity.role) : null),
    h('button', { type: 'button', class: 'btn btn-ghost', id: 'sign-out', onclick: () => signOut(null) }, 'Sign out'));
  syncDeployButton();
}

/** Bumped by every sign-in and sign-out, so that a load begun under an old token never marks the page ready. */
let session = 0;

function signOut(reason: string | null): void {
  session++;
  delete document.documentElement.dataset.ready;
  forgetToken();
  identity = identityOf(null);
  signedOut = true;
  modal.close();
  for (const open of document.querySelectorAll('dialog[open]')) (open as HTMLDialogElement).close();
  dashboardEl.hidden = true;
  signInEl.hidden = false;
  renderHeader();
  renderSignIn(signInEl, reason, (token) => {
    storeToken(token);
    start();
  });
}

function start(): void {
  if (!storedToken()) {
    signOut(null);
    return;
  }
  identity = identityOf(storedToken());
  signedOut = false;
  signInEl.hidden = true;
  dashboardEl.hidden = false;
  renderHeader();
  const current = ++session;
  delete document.documentElement.dataset.ready;
  void refreshAll().then(() => {
    if (current !== session) return;
    // Marks the first meaningful paint (KPIs, grid and table drawn, or their error states).
    document.documentElement.dataset.ready = 'true';
    const state = readViewState();
    if (state.model && !signedOut) void modal.open(state.model, state.tab);
  });
}

// The start script's `#token=` link opened in a tab already showing the dashboard changes only the
// fragment (no reload): sign in with it then, whether the sign-in form or another token is shown.
window.addEventListener('hashchange', () => {
  if (takeTokenFromFragment()) start();
});

start();
