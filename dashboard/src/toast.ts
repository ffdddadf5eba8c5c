import { byId, h } from './dom';
import { icon, type IconName } from './icons';

export type ToastKind = 'success' | 'error' | 'info';
const ICONS: Record<ToastKind, IconName> = { success: 'check', error: 'alert', info: 'info' };

/**
 * Toasts live in a manual popover so they sit in the top layer, above an open modal dialog;
 * showing it again after each new toast lifts it above dialogs opened since.
 */
function raise(region: HTMLElement): void {
  if (region.matches(':popover-open')) region.hidePopover();
  region.showPopover();
}

function dismiss(item: HTMLElement): void {
  const region = item.parentElement;
  item.remove();
  if (region && region.childElementCount === 0 && region.matches(':popover-open')) region.hidePopover();
}

export function toast(message: string, kind: ToastKind = 'info'): void {
  const region = byId('toasts');
  const item = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-kind': kind },
    icon(ICONS[kind], 'toast-icon'),
    h('span', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => dismiss(item) }, '×'));
  region.append(item);
  raise(region);
  setTimeout(() => dismiss(item), kind === 'error' ? 9000 : 5000);
}
