import { h } from '../dom';
import { capitalize, mediumDate, metricValue } from '../format';
import { lineageSvg } from '../lineage-graph';
import type { LineageResponse } from '../types';
import { sectionTitle, table } from './parts';

export function lineageTab(lineage: LineageResponse, subject: string, onView: (versionId: string) => void): HTMLElement {
  const rows = lineage.relatedRuns.map((r) => [
    r.versionId && !r.isThisModel
      ? h('button', { type: 'button', class: 'link-btn', onclick: () => onView(r.versionId!), title: `View ${r.versionId}` }, r.name)
      : r.name,
    r.completedAt ? mediumDate(r.completedAt) : '—',
    h('span', { class: `run-status run-${r.status}` }, capitalize(r.status.replace('_', ' '))),
    r.primaryMetric ? `${r.primaryMetric.label} ${metricValue(r.primaryMetric.value)}` : '—',
    r.blessed === true ? h('span', { class: 'good', title: 'Blessed' }, '✓') : r.blessed === false ? h('span', { class: 'bad', title: 'Not blessed' }, '✗') : '—',
    r.isThisModel ? h('span', { class: 'this-version' }, '← This model') : '',
  ]);
  return h('div', { class: 'tab-lineage' },
    sectionTitle('Model Lineage'),
    h('div', { class: 'lineage-canvas' }, lineage.nodes.length ? lineageSvg(lineage, subject) : h('p', { class: 'muted' }, 'No lineage recorded.')),
    sectionTitle('Related Training Runs'),
    rows.length
      ? table(['Run', 'Date', 'Status', 'Metric', 'Blessed', ''], rows, { 'data-table': 'related-runs' })
      : h('p', { class: 'muted' }, 'No other runs of this family.'));
}
