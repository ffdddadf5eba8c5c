import { h } from './dom';
import { icon, type IconName } from './icons';

export interface MenuItem {
  label: string;
  icon: IconName;
  run(): void;
  /** Why the item cannot be used (the item is shown greyed out with this as its title). */
  disabledReason?: string;
  /** Items of different groups are separated by a rule. */
  group: number;
}

let closeOpenMenu: (() => void) | null = null;

/**
 * A dropdown menu floating above the page (so table overflow never clips it), with the ARIA menu
 * keyboard model: arrows move, Home/End jump, Enter/Space run, Esc and Tab close.
 */
export function openMenu(anchor: HTMLElement, items: MenuItem[], label: string): void {
  closeOpenMenu?.();
  const buttons: HTMLButtonElement[] = [];
  const menu = h('div', { class: 'menu', role: 'menu', 'aria-label': label });
  let group = items[0]?.group;
  for (const item of items) {
    if (item.group !== group) menu.append(h('div', { class: 'menu-separator', role: 'separator' }));
    group = item.group;
    const button = h('button', {
      type: 'button', class: 'menu-item', role: 'menuitem', tabindex: -1,
      'aria-disabled': item.disabledReason ? 'true' : null, title: item.disabledReason ?? null,
    }, icon(item.icon, 'menu-icon'), item.label);
    button.addEventListener('click', () => {
      if (item.disabledReason) return;
      close(false);
      item.run();
    });
    buttons.push(button);
    menu.append(button);
  }

  const onOutside = (event: MouseEvent) => {
    if (!menu.contains(event.target as Node) && !anchor.contains(event.target as Node)) close(false);
  };
  const onScroll = () => close(false);
  function close(returnFocus: boolean) {
    menu.remove();
    anchor.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', onOutside, true);
    window.removeEventListener('scroll', onScroll, true);
    closeOpenMenu = null;
    if (returnFocus) anchor.focus();
  }

  menu.addEventListener('keydown', (event) => {
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const focus = (i: number) => buttons[(i + buttons.length) % buttons.length]?.focus();
    switch (event.key) {
      case 'ArrowDown': focus(index + 1); break;
      case 'ArrowUp': focus(index - 1); break;
      case 'Home': focus(0); break;
      case 'End': focus(buttons.length - 1); break;
      case 'Escape': close(true); break;
      case 'Tab': close(true); break;
      default: return;
    }
    event.preventDefault();
    event.stopPropagation();
  });

  document.body.append(menu);
  const box = anchor.getBoundingClientRect();
  const width = menu.offsetWidth;
  const below = box.bottom + 4 + menu.offsetHeight <= window.innerHeight;
  menu.style.left = `${Math.max(8, Math.min(box.right - width, window.innerWidth - width - 8))}px`;
  menu.style.top = `${below ? box.bottom + 4 : Math.max(8, box.top - menu.offsetHeight - 4)}px`;
  anchor.setAttribute('aria-expanded', 'true');
  document.addEventListener('mousedown', onOutside, true);
  window.addEventListener('scroll', onScroll, true);
  closeOpenMenu = () => close(false);
  (buttons.find((b) => !b.hasAttribute('aria-disabled')) ?? buttons[0])?.focus();
}

