import { byId, h } from './dom';
import { icon, type IconName } from './icons';

export type ToastKind = 'success' | 'error' | 'info';
const ICONS: Record<ToastKind, IconName> = { success: 'check', error: 'alert', info: 'info' };
/** More than this and the oldest goes: a burst of outcomes must not wall off the page. */
export const MAX_TOASTS = 3;
const LIFETIME_MS: Record<ToastKind, number> = { success: 5000, info: 5000, error: 9000 };

const timers = new WeakMap<HTMLElement, ReturnType<typeof setTimeout>>();

/**
 * Toasts live in a manual popover so they sit in the top layer, above an open modal dialog;
 * showing it again after each new toast lifts it above dialogs opened since.
 */
function raise(region: HTMLElement): void {
  if (region.matches(':popover-open')) region.hidePopover();
  region.showPopover();
}

function dismiss(item: HTMLElement): void {
  clearTimeout(timers.get(item));
  const region = item.parentElement;
  item.remove();
  if (region && region.childElementCount === 0 && region.matches(':popover-open')) region.hidePopover();
}

/** (Re)starts the item's countdown; a pointer over it holds it. */
function schedule(item: HTMLElement, kind: ToastKind): void {
  clearTimeout(timers.get(item));
  timers.set(item, setTimeout(() => dismiss(item), LIFETIME_MS[kind]));
}

export function toast(message: string, kind: ToastKind = 'info'): void {
  const region = byId('toasts');
  const items = [...region.children] as HTMLElement[];
  // The same outcome again (a double click, a retry) counts up on the toast already shown.
  const same = items.find((el) => el.dataset.kind === kind && el.dataset.message === message);
  if (same) {
    const count = Number(same.dataset.count ?? '1') + 1;
    same.dataset.count = String(count);
    same.querySelector('.toast-count')!.textContent = `×${count}`;
    region.append(same); // the newest sits nearest the corner
    schedule(same, kind);
    raise(region);
    return;
  }
  const item = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-kind': kind, 'data-message': message, 'data-count': 1 },
    icon(ICONS[kind], 'toast-icon'),
    h('span', { class: 'toast-text' }, message),
    h('span', { class: 'toast-count', 'aria-hidden': 'true' }),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => dismiss(item) }, '×'));
  item.addEventListener('mouseenter', () => clearTimeout(timers.get(item)));
  item.addEventListener('mouseleave', () => schedule(item, kind));
  region.append(item);
  while (region.childElementCount > MAX_TOASTS) dismiss(region.firstElementChild as HTMLElement);
  raise(region);
  schedule(item, kind);
}
