import { s } from './dom';
import { metricValue } from './format';
import type { LineageNode, LineageResponse } from './types';

/**
 * The lineage DAG drawn as SVG, left to right: each node sits in the column of its longest path
 * from a source (experiment and configs → training run → model), columns centred vertically.
 */
const NODE_W = 188;
const NODE_H = 74;
const COL_GAP = 76;
const ROW_GAP = 18;
const PAD = 12;
const KIND_ORDER: LineageNode['kind'][] = ['experiment', 'dataset', 'feature_config', 'model_config', 'training_run', 'model'];
const KIND_LABELS: Record<LineageNode['kind'], string> = {
  experiment: 'Experiment', training_run: 'Training run', model: 'Model', dataset: 'Dataset', feature_config: 'Feature config', model_config: 'Model config',
};

export interface Placed {
  node: LineageNode;
  x: number;
  y: number;
}

export function layoutLineage(lineage: Pick<LineageResponse, 'nodes' | 'edges'>): { placed: Map<string, Placed>; width: number; height: number } {
  const depth = new Map(lineage.nodes.map((n) => [n.id, 0]));
  // Longest path by relaxation; at most one pass per node, so a cycle in bad data cannot loop forever.
  for (let pass = 0; pass < lineage.nodes.length; pass++) {
    let changed = false;
    for (const edge of lineage.edges) {
      const from = depth.get(edge.from);
      const to = depth.get(edge.to);
      if (from !== undefined && to !== undefined && from + 1 > to) {
        depth.set(edge.to, from + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns: LineageNode[][] = [];
  for (const node of lineage.nodes) (columns[depth.get(node.id) ?? 0] ??= []).push(node);
  const filled = columns.filter((c) => c && c.length > 0);
  for (const column of filled) column.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.label.localeCompare(b.label));
  const tallest = Math.max(1, ...filled.map((c) => c.length));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * ROW_GAP;
  const width = PAD * 2 + filled.length * NODE_W + Math.max(0, filled.length - 1) * COL_GAP;
  const placed = new Map<string, Placed>();
  filled.forEach((column, col) => {
    const columnHeight = column.length * NODE_H + (column.length - 1) * ROW_GAP;
    const top = (height - columnHeight) / 2;
    column.forEach((node, row) => placed.set(node.id, { node, x: PAD + col * (NODE_W + COL_GAP), y: top + row * (NODE_H + ROW_GAP) }));
  });
  return { placed, width, height };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function nodeFooter(node: LineageNode): string {
  const parts = [];
  if (node.metric) parts.push(`${node.metric.label}: ${metricValue(node.metric.value)}`);
  if (node.status) parts.push(node.status.replace('_', ' ').toUpperCase());
  return parts.join(' · ');
}

export function lineageSvg(lineage: LineageResponse, subject: string): SVGSVGElement {
  const { placed, width, height } = layoutLineage(lineage);
  const edges = lineage.edges.flatMap((edge) => {
    const a = placed.get(edge.from);
    const b = placed.get(edge.to);
    if (!a || !b) return [];
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x - 4;
    const y2 = b.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    return [s('path', { class: 'lineage-edge', d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, 'marker-end': 'url(#lineage-arrow)', 'data-from': edge.from, 'data-to': edge.to })];
  });
  const nodes = [...placed.values()].map(({ node, x, y }) => {
    const footer = nodeFooter(node);
    return s('g', { class: `lineage-node kind-${node.kind}`, 'data-kind': node.kind, 'data-id': node.id, transform: `translate(${x},${y})` },
      s('title', {}, [KIND_LABELS[node.kind], node.label, node.detail, footer].filter(Boolean).join('\n')),
      s('rect', { width: NODE_W, height: NODE_H, rx: 8 }),
      s('rect', { class: 'lineage-node-stripe', width: 4, height: NODE_H - 16, x: 0, y: 8, rx: 2 }),
      s('text', { class: 'lineage-kind', x: 14, y: 17 }, KIND_LABELS[node.kind].toUpperCase()),
      s('text', { class: 'lineage-label', x: 14, y: 35 }, clip(node.label, 24)),
      s('text', { class: 'lineage-detail', x: 14, y: 52 }, clip(node.detail, 28)),
      footer ? s('text', { class: 'lineage-footer', x: 14, y: 67 }, clip(footer, 30)) : null);
  });
  return s('svg', {
    class: 'lineage-svg', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `Lineage of ${subject}: ${lineage.nodes.map((n) => `${KIND_LABELS[n.kind]} ${n.label}`).join(', ')}`,
  },
  s('defs', {}, s('marker', { id: 'lineage-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M0,0 L10,5 L0,10 z' }))),
  edges, nodes);
}
