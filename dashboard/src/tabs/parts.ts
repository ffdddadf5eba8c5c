import { h, type Child } from '../dom';
import { icon } from '../icons';

/** Building blocks the modal's tabs share. */
export function sectionTitle(text: string): HTMLElement {
  return h('h3', { class: 'section-title' }, text);
}

export function infoCard(title: string, main: Child, sub?: Child): HTMLElement {
  return h('div', { class: 'info-card' },
    h('p', { class: 'info-card-title' }, title),
    h('p', { class: 'info-card-main' }, main),
    sub ? h('p', { class: 'info-card-sub' }, sub) : null);
}

export function table(headers: string[], rows: Child[][], attrs: Record<string, string> = {}): HTMLElement {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table', ...attrs },
    h('thead', {}, h('tr', {}, headers.map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

export function loadingBlock(what: string): HTMLElement {
  return h('p', { class: 'tab-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Loading ${what}…`);
}

export function errorBlock(message: string, retry?: () => void): HTMLElement {
  return h('div', { class: 'tab-error', role: 'alert' }, h('p', {}, icon('alert'), message),
    retry ? h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, icon('refresh'), 'Try again') : null);
}
