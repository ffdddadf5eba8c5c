import { describeError, type Api } from './api';
import { h, mount } from './dom';
import { dateTime } from './format';

const KINDS = [
  'alias.moved', 'alias.removed', 'alias.refused', 'alias.approved',
  'version.deployed', 'version.undeployed', 'version.archived', 'version.deleted', 'policy.changed', 'role.changed',
] as const;

type AuditPage = Awaited<ReturnType<typeof loadPage>>;
type AuditItem = AuditPage['items'][number];
type Filters = { family: string; actor: string; kind: string };

function loadPage(api: Api, filters: Filters, cursor: string | null) {
  const query = {
    page_size: 25,
    ...(filters.family && { family: filters.family }),
    ...(filters.actor && { actor: filters.actor }),
    ...(filters.kind && { kind: filters.kind as (typeof KINDS)[number] }),
    ...(cursor && { cursor }),
  };
  return api.call((c) => c.GET('/api/audit', { params: { query } }));
}

/** One side of a change, short: `v3`, `deployed`, `archived`, a policy revision. */
function stateText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  if (typeof v.version === 'number' && 'versionId' in v) return `v${v.version}`;
  if ('deployed' in v) return v.deployed ? `deployed${(v.deployment as { endpoint?: string } | null)?.endpoint ? ` on ${String((v.deployment as { endpoint: string }).endpoint).split('/').pop()}` : ''}` : 'not deployed';
  if ('archived' in v) return v.archived ? 'archived' : 'visible';
  if ('revision' in v) return `revision ${String(v.revision)}`;
  if ('role' in v) return v.role === null ? 'no role' : String(v.role);
  if ('deleted' in v) return 'deleted';
  if (typeof v.approvals === 'number') return `${v.approvals} approval${v.approvals === 1 ? '' : 's'}`;
  return JSON.stringify(v).slice(0, 80);
}

function detail(item: AuditItem): string {
  const after = item.after as { failedRules?: { rule: string }[]; version?: number } | null;
  if (item.kind === 'alias.refused' && after?.failedRules) return `refused v${after.version ?? '?'}: ${after.failedRules.map((f) => f.rule).join(', ')}`;
  return `${stateText(item.before)} → ${stateText(item.after)}`;
}

/**
 * The audit trail (GET /api/audit): who moved an alias, deployed, archived, deleted or changed a
 * policy, when, from what to what and why; filters by family, actor and kind, "Load more" pages.
 */
export class AuditView {
  private readonly family = h('input', { id: 'audit-family', name: 'family', placeholder: 'family', size: 14 });
  private readonly actor = h('input', { id: 'audit-actor', name: 'actor', placeholder: 'actor email', size: 18 });
  private readonly kind = h('select', { id: 'audit-kind', name: 'kind' }, h('option', { value: '' }, 'All kinds'), KINDS.map((k) => h('option', { value: k }, k)));
  private readonly body = h('tbody');
  private readonly footer = h('div', { class: 'table-footer' });
  private cursor: string | null = null;
  private generation = 0;

  constructor(root: HTMLElement, private readonly api: Api) {
    const form = h('form', { class: 'filter-bar', role: 'search', onsubmit: (e: SubmitEvent) => { e.preventDefault(); void this.load(); } },
      this.family, this.actor, this.kind, h('button', { type: 'submit', class: 'btn' }, 'Filter'));
    const table = h('div', { hidden: true },
      form,
      h('div', { class: 'table-wrap' }, h('table', { class: 'models-table', id: 'audit-table' },
        h('thead', null, h('tr', null, ['#', 'When', 'What', 'Subject', 'Who', 'Change', 'Reason'].map((t) => h('th', { scope: 'col' }, t)))),
        this.body)),
      this.footer);
    const toggle = h('button', { type: 'button', class: 'btn', id: 'audit-open', 'aria-expanded': 'false', onclick: () => {
      const opening = table.hidden;
      table.hidden = !opening;
      toggle.setAttribute('aria-expanded', String(opening));
      toggle.textContent = opening ? 'Hide' : 'Show the audit trail';
      if (opening) void this.load();
    } }, 'Show the audit trail');
    mount(root, h('h2', { id: 'audit-title', class: 'card-title' }, 'Audit trail'), toggle, table);
  }

  async load(): Promise<void> {
    this.cursor = null;
    mount(this.body);
    await this.more(++this.generation);
  }

  private filters(): Filters {
    return { family: this.family.value.trim(), actor: this.actor.value.trim(), kind: this.kind.value };
  }

  private async more(generation: number): Promise<void> {
    mount(this.footer, 'Loading…');
    try {
      const page = await loadPage(this.api, this.filters(), this.cursor);
      if (generation !== this.generation) return;
      for (const item of page.items) {
        this.body.append(h('tr', { 'data-kind': item.kind },
          h('td', null, item.seq), h('td', null, dateTime(item.at)), h('td', null, item.kind), h('td', null, item.subject),
          h('td', null, item.actor), h('td', null, detail(item)), h('td', null, item.reason ?? '')));
      }
      this.cursor = page.nextCursor;
      if (!this.body.children.length) mount(this.footer, 'Nothing audited matches.');
      else mount(this.footer, this.cursor ? h('button', { type: 'button', class: 'btn', id: 'audit-more', onclick: () => void this.more(generation) }, 'Load more') : '');
    } catch (error) {
      if (generation === this.generation) mount(this.footer, `The audit trail could not be loaded: ${describeError(error)}`);
    }
  }
}
