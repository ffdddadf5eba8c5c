import { h } from './dom';
import { capitalize } from './format';
import type { ModelVersionView } from './types';

/** The seed's status badge, coloured by status (see styles: DEPLOYED green, IDLE blue, …). */
export function statusBadge(badge: string): HTMLElement {
  const slug = badge.toLowerCase().replace(/\s+/g, '-');
  return h('span', { class: `status-badge status-${slug}`, 'data-badge': badge }, badge);
}

export function versionBadge(view: Pick<ModelVersionView, 'badge' | 'archived'>): HTMLElement {
  return view.archived ? statusBadge('ARCHIVED') : statusBadge(view.badge);
}

export function typeBadge(type: string): HTMLElement {
  return h('span', { class: `type-badge type-${type}` }, capitalize(type));
}
