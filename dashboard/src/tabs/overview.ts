import { h } from '../dom';
import { byMetricOrder, capitalize, dateTime, metricLabel, metricValue, signed } from '../format';
import type { VersionDetail } from '../types';
import { infoCard, sectionTitle } from './parts';
import { icon } from '../icons';

function evaluationBox(view: VersionDetail): HTMLElement {
  const e = view.evaluation;
  const state = view.blessed === true ? { icon: 'check' as const, text: 'Model Blessed', cls: 'blessed' }
    : view.blessed === false ? { icon: 'xCircle' as const, text: 'Not Blessed', cls: 'not-blessed' }
      : { icon: 'clock' as const, text: 'Evaluation Pending', cls: 'pending' };
  if (!e) return h('div', { class: `evaluation-box ${state.cls}` }, h('p', { class: 'evaluation-state' }, icon(state.icon), state.text), h('p', { class: 'muted' }, 'No evaluation recorded for this version.'));
  const margin = e.achieved === null ? null : e.comparator === '>=' ? e.achieved - e.threshold : e.threshold - e.achieved;
  return h('div', { class: `evaluation-box ${state.cls}`, 'data-blessed': String(view.blessed) },
    h('p', { class: 'evaluation-state' }, icon(state.icon), state.text),
    h('p', { class: 'evaluation-numbers' },
      h('span', {}, `Threshold: ${metricLabel(e.metric)} ${e.comparator === '>=' ? '≥' : '≤'} ${metricValue(e.threshold)}`),
      h('span', {}, `Achieved: ${metricValue(e.achieved)}`),
      h('span', { class: margin === null ? '' : margin >= 0 ? 'good' : 'bad' }, `Margin: ${margin === null ? '—' : signed(margin)}`)));
}

function trainingParams(params: Record<string, string | number | boolean>): string {
  const names: Record<string, string> = { learning_rate: 'LR', batch_size: 'Batch', accelerator: 'GPU' };
  const entries = Object.entries(params);
  if (entries.length === 0) return '—';
  return entries.map(([k, v]) => (k === 'epochs' ? `${v} epochs` : `${names[k] ?? metricLabel(k)}: ${v}`)).join(' • ');
}

export function overviewTab(view: VersionDetail): HTMLElement {
  const metrics = Object.keys(view.metrics).sort(byMetricOrder);
  const c = view.config;
  return h('div', { class: 'tab-overview' },
    sectionTitle('Performance Metrics'),
    metrics.length
      ? h('div', { class: 'metric-cards' }, metrics.map((name) => h('div', {
        class: `metric-card${view.primaryMetric?.name === name ? ' primary' : ''}`, 'data-metric': name,
      }, h('p', { class: 'metric-card-label' }, metricLabel(name)), h('p', { class: 'metric-card-value' }, metricValue(view.metrics[name])))))
      : h('p', { class: 'muted' }, 'No metrics were recorded for this version.'),
    sectionTitle('Evaluation Results'),
    evaluationBox(view),
    sectionTitle('Configuration Summary'),
    h('div', { class: 'config-cards' },
      infoCard('Dataset', c.dataset?.name ?? '—', c.dataset?.summary),
      infoCard('Feature Config', c.featureConfig?.name ?? '—', c.featureConfig?.summary),
      infoCard('Model Config', c.modelConfig?.name ?? '—', c.modelConfig?.summary),
      infoCard('Training Params', trainingParams(c.trainingParams))),
    sectionTitle('Details'),
    h('dl', { class: 'details-list' },
      h('dt', {}, 'Family'), h('dd', {}, view.familyId),
      h('dt', {}, 'Registered'), h('dd', {}, `${dateTime(view.registeredAt)} by ${view.registeredBy}`),
      h('dt', {}, 'Training run'), h('dd', {}, view.trainingRunId ?? '—'),
      h('dt', {}, 'Vertex AI'), h('dd', { class: `vertex-${view.vertex.state}` }, capitalize(view.vertex.state), view.vertex.error ? ` — ${view.vertex.error}` : '',
        view.vertex.state === 'failed' ? h('div', { class: 'muted' }, view.vertex.nextRetryAt ? `Retried automatically at ${dateTime(view.vertex.nextRetryAt)} (attempt ${view.vertex.attempts + 1}), or now from the actions menu.` : 'Not retried automatically: retry from the actions menu once the cause is fixed.') : null),
      view.description ? [h('dt', {}, 'Description'), h('dd', {}, view.description)] : null,
      view.tags.length ? [h('dt', {}, 'Tags'), h('dd', {}, view.tags.map((t) => h('span', { class: 'tag' }, t)))] : null,
      view.aliases.length ? [h('dt', {}, 'Aliases'), h('dd', {}, view.aliases.join(', '))] : null));
}
