import { h, type Child } from './dom';

export interface DialogControls {
  form: HTMLFormElement;
  dialog: HTMLDialogElement;
  /** Shows a message in the dialog (null clears it). */
  setError(message: string | null): void;
  setConfirmLabel(label: string): void;
}

export interface DialogOptions {
  title: string;
  body: Child;
  confirmLabel: string;
  tone?: 'primary' | 'danger';
  /** Runs on confirm. Return false (or throw) to keep the dialog open; a thrown message is shown. */
  onConfirm(controls: DialogControls): Promise<void | false>;
  /** Called once the dialog is in the page (to fill pickers, focus a field). */
  onOpen?(controls: DialogControls): void;
}

let counter = 0;

/**
 * A styled modal dialog on the native <dialog> (focus stays inside, Esc cancels, the page behind
 * is inert). Resolves true when confirmed, false when cancelled.
 */
export function openDialog(opts: DialogOptions): Promise<boolean> {
  const titleId = `dialog-title-${++counter}`;
  const error = h('p', { class: 'dialog-error', role: 'alert', hidden: true });
  const confirm = h('button', { type: 'submit', class: `btn ${opts.tone === 'danger' ? 'btn-danger' : 'btn-primary'}`, 'data-role': 'confirm' }, opts.confirmLabel);
  const cancel = h('button', { type: 'button', class: 'btn', 'data-role': 'cancel' }, 'Cancel');
  const form = h('form', { class: 'dialog-form', novalidate: false },
    h('header', { class: 'dialog-header' },
      h('h2', { id: titleId }, opts.title),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', 'data-role': 'cancel' }, '×')),
    h('div', { class: 'dialog-body' }, opts.body, error),
    h('footer', { class: 'dialog-footer' }, cancel, confirm));
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
  const controls: DialogControls = {
    form, dialog,
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = message === null;
    },
    setConfirmLabel(label) {
      confirm.textContent = label;
    },
  };

  return new Promise((resolve) => {
    let confirmed = false;
    const close = () => dialog.close();
    for (const button of form.querySelectorAll('[data-role="cancel"]')) button.addEventListener('click', close);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(confirmed);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (confirm.disabled || !form.reportValidity()) return;
      controls.setError(null);
      confirm.disabled = true;
      confirm.classList.add('busy');
      try {
        const outcome = await opts.onConfirm(controls);
        if (outcome !== false) {
          confirmed = true;
          close();
        }
      } catch (err) {
        controls.setError(err instanceof Error ? err.message : String(err));
      } finally {
        confirm.disabled = false;
        confirm.classList.remove('busy');
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    opts.onOpen?.(controls);
  });
}

/** A labelled form field. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `field-${++counter}`;
  control.id = id;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'field-hint' }, hint) : null);
}
