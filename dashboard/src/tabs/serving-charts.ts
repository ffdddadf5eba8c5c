import type { AppContext } from '../context';
import { ApiError, describeError } from '../api';
import { h, mount, s } from '../dom';
import type { VersionDetail } from '../types';
import { errorBlock, loadingBlock } from './parts';

interface Bucket { end: string; predictions: number; errors: number; p95LatencyMs: number | null }

/** A small bar chart of one figure per bucket (no axes: the totals beside it give the scale). */
function bars(label: string, buckets: Bucket[], value: (b: Bucket) => number): SVGElement {
  const width = 240;
  const height = 48;
  const max = Math.max(1, ...buckets.map(value));
  const w = buckets.length ? width / buckets.length : width;
  return s('svg', { class: 'mini-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, 'data-chart': label },
    buckets.map((b, i) => {
      const v = value(b);
      const barHeight = (v / max) * (height - 2);
      return s('rect', { x: i * w + 1, y: height - barHeight, width: Math.max(1, w - 2), height: barHeight, 'data-value': v }, s('title', {}, `${b.end.slice(11, 16)}: ${v}`));
    }));
}

/** Predictions, errors and latency of the deployed version (Cloud Monitoring), over the last hour or day. */
export function servingCharts(ctx: AppContext, view: VersionDetail): HTMLElement | null {
  if (!view.deployed) return null;
  const slot = h('div', { 'data-slot': 'serving-figures' });
  const load = (window: 'hour' | 'day') => {
    mount(slot, loadingBlock('the serving figures'));
    ctx.api.call((c) => c.GET('/api/models/{id}/monitoring', { params: { path: { id: view.id }, query: { window } } })).then(
      (f) => mount(slot,
        h('div', { class: 'section-row' },
          h('button', { type: 'button', class: `btn${window === 'hour' ? ' btn-primary' : ''}`, onclick: () => load('hour') }, 'Last hour'),
          h('button', { type: 'button', class: `btn${window === 'day' ? ' btn-primary' : ''}`, onclick: () => load('day') }, 'Last day')),
        h('dl', { class: 'details-list serving-figures' },
          h('dt', {}, 'Predictions'), h('dd', { 'data-figure': 'predictions' }, String(f.predictions)),
          h('dt', {}, 'Errors'), h('dd', { 'data-figure': 'errors' }, String(f.errors)),
          h('dt', {}, 'p50 latency'), h('dd', { 'data-figure': 'p50' }, f.p50LatencyMs === null ? '—' : `${f.p50LatencyMs} ms`),
          h('dt', {}, 'p95 latency'), h('dd', { 'data-figure': 'p95' }, f.p95LatencyMs === null ? '—' : `${f.p95LatencyMs} ms`)),
        h('div', { class: 'chart-row' },
          bars('predictions', f.buckets, (b) => b.predictions),
          bars('errors', f.buckets, (b) => b.errors),
          bars('p95 latency', f.buckets, (b) => b.p95LatencyMs ?? 0))),
      (error: unknown) => mount(slot, error instanceof ApiError && error.routeMissing
        ? h('p', { class: 'muted' }, 'Serving figures are not available on this server yet.')
        : errorBlock(describeError(error), () => load(window))));
  };
  load('hour');
  return slot;
}
