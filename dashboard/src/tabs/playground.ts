import type { AppContext } from '../context';
import { describeError } from '../api';
import { h, mount } from '../dom';
import type { VersionDetail } from '../types';

interface Sent {
  at: string;
  ok: boolean;
  latencyMs: number | null;
  answeredBy: string | null;
  summary: string;
}

const HISTORY_KEPT = 5;
// The session's requests by version: kept while the page lives, so reopening the tab shows them.
const sessions = new Map<string, Sent[]>();

/** For versions that shipped no `input_example.json`: one instance of named inputs to edit. */
const GENERIC_EXAMPLE = { instances: [{ user_id: 'u-1', context: 'home' }] };

/** The Deployment tab's prediction playground: edit instances, send them, see who answered and how fast. */
export function playground(ctx: AppContext, view: VersionDetail, deployer: boolean): HTMLElement {
  if (!view.deployed) return h('div', { class: 'deploy-box disabled', 'aria-disabled': 'true' }, h('p', { class: 'muted' }, 'Deploy this version to send it predictions.'));
  const editor = h('textarea', { class: 'playground-input', rows: 6, spellcheck: false, 'aria-label': 'Prediction request (JSON)' });
  editor.value = JSON.stringify(view.inputExample ?? GENERIC_EXAMPLE, null, 2);
  const source = view.inputExample
    ? h('p', { class: 'muted', 'data-field': 'example-source' }, 'Prefilled from the input_example.json this version shipped.')
    : h('p', { class: 'muted', 'data-field': 'example-source' }, 'This version shipped no input_example.json: edit the instance to its inputs.');
  const answer = h('div', { class: 'playground-answer', 'data-slot': 'prediction-answer' });
  const history = h('div', { 'data-slot': 'prediction-history' });
  const showHistory = () => {
    const sent = sessions.get(view.id) ?? [];
    mount(history, sent.length
      ? h('ol', { class: 'playground-history' }, sent.map((s) => h('li', { 'data-ok': String(s.ok) },
        `${s.at.slice(11, 19)} · ${s.ok ? `${s.latencyMs} ms · ${s.answeredBy}` : 'failed'} · ${s.summary}`)))
      : h('p', { class: 'muted' }, 'No requests sent in this session.'));
  };
  const send = h('button', { type: 'button', class: 'btn btn-primary', disabled: !deployer, title: deployer ? null : 'Needs the deployer role' }, 'Send');
  send.addEventListener('click', () => void (async () => {
    let body: { instances: Record<string, unknown>[]; parameters?: Record<string, unknown> };
    try {
      body = JSON.parse(editor.value) as typeof body;
    } catch (error) {
      mount(answer, h('p', { class: 'error', role: 'alert' }, `Not JSON: ${(error as Error).message}`));
      return;
    }
    send.disabled = true;
    const at = new Date().toISOString();
    let entry: Sent;
    try {
      const res = await ctx.api.call((c) => c.POST('/api/models/{id}/predict', { params: { path: { id: view.id } }, body }));
      const by = res.answeredBy.versionId ?? `deployed model ${res.answeredBy.deployedModelId}`;
      mount(answer,
        h('p', { class: 'playground-meta' }, h('span', { 'data-field': 'latency' }, `${res.latencyMs} ms`), ' · answered by ', h('strong', { 'data-field': 'answered-by' }, by)),
        h('pre', { 'data-field': 'predictions' }, JSON.stringify(res.predictions, null, 2)));
      entry = { at, ok: true, latencyMs: res.latencyMs, answeredBy: by, summary: `${res.predictions.length} prediction(s)` };
    } catch (error) {
      mount(answer, h('p', { class: 'error', role: 'alert' }, describeError(error)));
      entry = { at, ok: false, latencyMs: null, answeredBy: null, summary: describeError(error) };
    } finally {
      send.disabled = false;
    }
    sessions.set(view.id, [entry, ...(sessions.get(view.id) ?? [])].slice(0, HISTORY_KEPT));
    showHistory();
  })());
  showHistory();
  return h('div', { class: 'deploy-box playground', 'data-slot': 'playground' }, source, editor, h('div', { class: 'section-row' }, send), answer, history);
}
