import { h } from './dom';
import { toast } from './toast';
import { icon } from './icons';

/** Copies text and says so; falls back to a hidden textarea where the async clipboard is refused. */
export async function copyText(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h('textarea', { class: 'sr-only', readonly: true, 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    if (!copied) {
      toast(`Could not copy the ${what.toLowerCase()}; select it and copy by hand.`, 'error');
      return;
    }
  }
  toast(`${what} copied to the clipboard`, 'success');
}

export function copyButton(text: string, what: string, label = 'Copy'): HTMLButtonElement {
  return h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Copy ${what.toLowerCase()}`, onclick: () => void copyText(text, what) }, icon('copy'), label);
}
