import type { AppContext } from './context';
import { h, mount } from './dom';
import { mediumDate } from './format';
import type { SummaryResponse } from './types';
import { modelHref } from './url-state';
import { icon, type IconName } from './icons';

/** Seed 000, section 1: the KPI summary row. */
interface Kpi {
  key: keyof Omit<SummaryResponse, 'latest'> | 'latest';
  icon: IconName;
  label: string;
  tone: string;
}

const KPIS: Kpi[] = [
  { key: 'total', icon: 'box', label: 'Total Models', tone: 'slate' },
  { key: 'blessed', icon: 'check', label: 'Blessed', tone: 'green' },
  { key: 'deployed', icon: 'rocket', label: 'Deployed', tone: 'emerald' },
  { key: 'idle', icon: 'moon', label: 'Idle', tone: 'blue' },
  { key: 'latest', icon: 'calendar', label: 'Latest', tone: 'amber' },
];

function value(ctx: AppContext, kpi: Kpi, summary: SummaryResponse): HTMLElement {
  if (kpi.key !== 'latest') return h('p', { class: 'kpi-value', 'data-value': summary[kpi.key] }, String(summary[kpi.key]));
  const latest = summary.latest;
  if (!latest) return h('p', { class: 'kpi-value' }, '—');
  const href = modelHref(latest.versionId);
  return h('p', { class: 'kpi-value kpi-value-date', 'data-value': latest.registeredAt },
    h('a', { href, title: `${latest.name}, registered ${mediumDate(latest.registeredAt)}`, onclick: (e: MouseEvent) => { e.preventDefault(); ctx.navigate(href); } }, mediumDate(latest.registeredAt)));
}

export function renderKpis(root: HTMLElement, ctx: AppContext, summary: SummaryResponse | null, failure?: { text: string; retry(): void }): void {
  root.setAttribute('aria-busy', summary || failure ? 'false' : 'true');
  mount(root,
    KPIS.map((kpi) => h('div', { class: `kpi kpi-${kpi.tone}`, 'data-kpi': kpi.key },
      h('span', { class: 'kpi-icon' }, icon(kpi.icon)),
      h('div', { class: 'kpi-text' },
        summary ? value(ctx, kpi, summary) : h('p', { class: 'kpi-value kpi-placeholder' }, failure ? '—' : ''),
        h('p', { class: 'kpi-label' }, kpi.label),
        kpi.key === 'latest' && summary?.latest ? h('p', { class: 'kpi-sub' }, summary.latest.name) : null,
        kpi.key === 'total' && summary ? h('p', { class: 'kpi-sub' }, `${summary.notBlessed} not blessed · ${summary.pending} pending`) : null))),
    failure ? h('p', { class: 'kpi-error', role: 'alert' }, failure.text, ' ', h('button', { type: 'button', class: 'btn btn-small', onclick: failure.retry }, icon('refresh'), 'Retry')) : null);
}
