import { metricDeltas } from '../../../shared/domain/metric-deltas';
import { versionBadge } from '../badges';
import { h } from '../dom';
import { byMetricOrder, mediumDate, metricLabel, metricValue, signed } from '../format';
import type { VersionHistoryEntry, VersionsResponse } from '../types';
import { sectionTitle, table } from './parts';
import { icon } from '../icons';

export interface VersionsTabOptions {
  currentId: string;
  history: VersionsResponse;
  /** The two (or fewer) versions picked for comparison. */
  selected: string[];
  onSelect(ids: string[]): void;
  onView(versionId: string): void;
}

/** The two versions compared by default: this one and the one before it. */
export function defaultComparison(history: VersionsResponse, currentId: string): string[] {
  const index = history.items.findIndex((v) => v.id === currentId);
  const current = history.items[index];
  const previous = history.items[index + 1];
  return current && previous ? [previous.id, current.id] : current ? [current.id] : [];
}

function comparison(from: VersionHistoryEntry, to: VersionHistoryEntry): HTMLElement {
  const rows = metricDeltas(from.metrics, to.metrics).sort((a, b) => byMetricOrder(a.metric, b.metric)).map((d) => {
    const arrow = d.direction === 'up' ? '▲' : d.direction === 'down' ? '▼' : d.direction === 'same' ? '＝' : '';
    const tone = d.improved === true ? 'delta-better' : d.improved === false ? 'delta-worse' : 'delta-same';
    return [
      metricLabel(d.metric),
      metricValue(d.from),
      metricValue(d.to),
      d.change === null ? '—' : h('span', { class: `delta ${tone}`, 'data-direction': d.direction ?? '' }, `${signed(d.change)} ${arrow}`),
    ];
  });
  return h('div', { class: 'version-comparison', id: 'version-comparison', tabindex: -1 },
    sectionTitle(`Version Comparison (${from.versionLabel} → ${to.versionLabel})`),
    rows.length ? table(['Metric', from.versionLabel, to.versionLabel, 'Change'], rows, { 'data-table': 'comparison' }) : h('p', { class: 'muted' }, 'Neither version has metrics.'));
}

export function versionsTab(opts: VersionsTabOptions): HTMLElement {
  const { history, selected } = opts;
  const toggle = (id: string, on: boolean) => {
    const next = selected.filter((s) => s !== id);
    if (on) next.push(id);
    // Two at most: picking a third drops the one picked first.
    opts.onSelect(next.slice(-2));
  };
  const primaryLabel = history.items.find((v) => v.primaryMetric)?.primaryMetric?.label ?? 'Metric';
  const rows = history.items.map((v) => {
    const checkbox = h('input', { type: 'checkbox', 'aria-label': `Compare ${v.versionLabel}`, 'data-version': v.id });
    checkbox.checked = selected.includes(v.id);
    checkbox.addEventListener('change', () => toggle(v.id, checkbox.checked));
    return [
      checkbox,
      h('span', { class: 'version-cell' }, String(v.version), v.id === opts.currentId ? h('span', { class: 'this-version' }, 'this version') : null),
      mediumDate(v.registeredAt),
      metricValue(v.primaryMetric?.value),
      versionBadge(v),
      v.trainingRunId ?? '—',
      v.id === opts.currentId ? '' : h('button', { type: 'button', class: 'btn btn-small', onclick: () => opts.onView(v.id), 'aria-label': `View ${v.name}` }, 'View'),
    ];
  });
  const picked = history.items.filter((v) => selected.includes(v.id)).sort((a, b) => a.version - b.version);
  const [older, newer] = picked;
  const compareButton = h('button', {
    type: 'button', class: 'btn btn-small', disabled: picked.length !== 2,
    onclick: () => document.getElementById('version-comparison')?.focus(),
  }, icon('chart'), 'Compare');
  return h('div', { class: 'tab-versions' },
    h('div', { class: 'section-row' }, sectionTitle('Version History'), compareButton),
    h('p', { class: 'muted small' }, 'Tick two versions to compare their metrics.'),
    table(['', 'Ver', 'Registered', primaryLabel, 'Status', 'Training Run', 'Actions'], rows, { 'data-table': 'versions' }),
    older && newer ? comparison(older, newer) : h('p', { class: 'muted' }, history.items.length > 1 ? 'Pick two versions to compare them.' : 'This is the only version of the family so far.'));
}
