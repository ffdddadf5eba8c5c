import { h, mount } from './dom';
import { icon } from './icons';

/** The sign-in panel: shown without a token, or when the API rejects the one stored. */
export function renderSignIn(root: HTMLElement, reason: string | null, onToken: (token: string) => void): void {
  const input = h('input', {
    id: 'token-input', name: 'token', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'eyJhbGciOi…', 'aria-describedby': 'token-help',
  });
  const form = h('form', { class: 'signin-card', 'aria-labelledby': 'signin-title' },
    h('h2', { id: 'signin-title' }, icon('lock'), 'Sign in'),
    reason ? h('p', { class: 'signin-reason', role: 'alert' }, reason) : null,
    h('label', { for: 'token-input' }, 'Access token'),
    input,
    h('p', { id: 'token-help', class: 'field-hint' },
      'Paste a bearer token for the registry API. Locally, ', h('code', {}, 'npm start'), ' prints a viewer and a deployer token (',
      h('code', {}, 'npm run token -- --role=editor'), ' makes more). The token stays in this browser only.'),
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim().replace(/^Bearer\s+/i, '');
    if (token) onToken(token);
  });
  mount(root, form);
  input.focus();
}
