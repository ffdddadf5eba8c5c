import type { AppContext } from '../context';
import { h } from '../dom';
import { dateTime } from '../format';
import type { VersionDetail } from '../types';

/** The part of the signed statement's lineage shown (shared/domain/model-signing.ts has it all). */
interface SignedLineage {
  trainingRunId: string | null;
  datasetDigest: string | null;
  configDigest: string | null;
  blessed: boolean | null;
}

const shortKey = (name: string) => name.replace(/^.*\/cryptoKeys\//, '');
const digest = (d: string | null) => (d ? h('code', { title: d }, `${d.slice(0, 19)}…`) : '—');

/** The signed lineage, read from the bundle's DSSE payload (the in-toto statement). */
function lineageList(ctx: AppContext, view: VersionDetail): HTMLElement {
  const box = h('div', { class: 'signed-lineage' }, h('p', { class: 'muted' }, 'Loading the signed lineage…'));
  ctx.api.call((c) => c.GET('/api/models/{id}/signature', { params: { path: { id: view.id } } }))
    .then((bundle) => {
      const statement = JSON.parse(atob(bundle.dsseEnvelope.payload)) as { predicate?: { lineage?: SignedLineage } };
      const l = statement.predicate?.lineage;
      if (!l) throw new Error('no lineage');
      box.replaceChildren(h('dl', { class: 'details-list' },
        h('dt', {}, 'Run'), h('dd', {}, l.trainingRunId ?? '—'),
        h('dt', {}, 'Dataset'), h('dd', {}, digest(l.datasetDigest)),
        h('dt', {}, 'Config'), h('dd', {}, digest(l.configDigest)),
        h('dt', {}, 'Blessed'), h('dd', {}, l.blessed === null ? 'unknown' : l.blessed ? 'yes' : 'no')));
    })
    .catch(() => box.replaceChildren(h('p', { class: 'muted' }, 'The signed lineage is not available.')));
  return box;
}

/** "Signed ✓ key … at …" and the signed lineage; or why the version is not signed (yet). */
export function signatureSection(ctx: AppContext, view: VersionDetail): HTMLElement {
  const s = view.signature;
  if (!s) return h('div', { class: 'resource-box muted', 'data-signature': 'none' }, 'Not signed (registered before signing was configured).');
  if (s.state !== 'signed') {
    return h('div', { class: 'resource-box muted', 'data-signature': s.state },
      `Signature ${s.state}${s.error ? ` — ${s.error}` : ''}${s.nextRetryAt ? `; retried at ${dateTime(s.nextRetryAt)}` : ''}.`);
  }
  return h('div', { 'data-signature': 'signed' },
    h('p', { class: 'signature-ok' }, 'Signed ✓ key ', h('code', { title: s.keyVersion ?? '' }, shortKey(s.keyVersion ?? '')), ` at ${s.signedAt ? dateTime(s.signedAt) : '—'}`),
    lineageList(ctx, view));
}
