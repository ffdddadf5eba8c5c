import { copyButton } from '../clipboard';
import type { AppContext } from '../context';
import { h, type Child } from '../dom';
import { bytes } from '../format';
import { gcsBrowseUrl, openExternal, vertexModelUrl } from '../links';
import { downloadZip } from '../model-actions';
import type { ManifestEntry, VersionDetail } from '../types';
import { sectionTitle, table } from './parts';
import { icon, type IconName } from '../icons';
import { signatureSection } from './signature';

function manifestTable(files: ManifestEntry[]): HTMLElement {
  return table(['Path', 'Size', 'SHA-256'], files.map((f) => [h('code', {}, f.path), bytes(f.size), h('span', { class: 'sha' }, h('code', { title: f.sha256 }, `${f.sha256.slice(0, 16)}…`), ' ', copyButton(f.sha256, `SHA-256 of ${f.path}`))]), { 'data-table': 'manifest' });
}

/** The manifest's files come from their own route, fetched when the tab opens. */
function manifestFiles(ctx: AppContext, view: VersionDetail): HTMLElement {
  const box = h('div', { class: 'manifest-files' }, h('p', { class: 'muted' }, 'Loading the file list…'));
  ctx.api.call((c) => c.GET('/api/models/{id}/manifest', { params: { path: { id: view.id } } }))
    .then((manifest) => box.replaceChildren(manifestTable(manifest.files)))
    .catch(() => box.replaceChildren(h('p', { class: 'muted' }, 'The file list is not available.')));
  return box;
}

function resourceBox(label: Child, value: string, what: string, extra: Child = null): HTMLElement {
  return h('div', { class: 'resource-box' },
    h('p', { class: 'resource-label' }, label),
    h('p', { class: 'resource-value' }, h('code', {}, value)),
    h('div', { class: 'resource-actions' }, copyButton(value, what), extra));
}

function openButton(label: string, url: string | null): HTMLElement | null {
  return url ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => openExternal(url) }, icon('external'), label) : null;
}

export function artifactsTab(ctx: AppContext, view: VersionDetail): HTMLElement {
  const a = view.artifacts;
  const vertexName = view.vertex.modelResourceName;
  const gcs: [IconName, string, string | null, boolean][] = [
    ['folder', 'Model Artifact', a.modelUri, false],
    ['folder', 'Transform Graph', a.transformUri, false],
    ['file', 'Training Metrics', a.metricsUri, true],
  ];
  return h('div', { class: 'tab-artifacts' },
    sectionTitle('Vertex AI Model Registry'),
    vertexName
      ? resourceBox(`Resource Name${view.vertex.versionId ? ` (version ${view.vertex.versionId})` : ''}:`, vertexName, 'Resource name', openButton('Open', vertexModelUrl(vertexName, view.vertex.versionId)))
      : h('div', { class: 'resource-box muted' }, `Not mirrored to Vertex AI yet (state: ${view.vertex.state}${view.vertex.error ? ` — ${view.vertex.error}` : ''}).`),
    sectionTitle('Cloud Storage Artifacts'),
    h('div', { class: 'resource-list' }, gcs.filter(([, , uri]) => uri).map(([iconName, label, uri, isFile]) =>
      resourceBox([icon(iconName), label], uri!, label, openButton(isFile ? 'Open' : 'Browse', gcsBrowseUrl(uri, isFile))))),
    sectionTitle('Container Image'),
    resourceBox('Serving container', a.servingContainerImage, 'Container image'),
    sectionTitle('Manifest'),
    h('dl', { class: 'details-list' },
      h('dt', {}, 'Format'), h('dd', {}, a.format ?? '—'),
      h('dt', {}, 'Size'), h('dd', {}, bytes(a.sizeBytes)),
      h('dt', {}, 'Files'), h('dd', {}, a.fileCount ?? '—'),
      h('dt', {}, 'Digest'), h('dd', {}, a.manifestDigest ? [h('code', { class: 'digest' }, a.manifestDigest), ' ', copyButton(a.manifestDigest, 'Manifest digest')] : '— (not in the content-addressed store yet)')),
    a.manifestDigest ? manifestFiles(ctx, view) : null,
    sectionTitle('Signature'),
    signatureSection(ctx, view),
    h('div', { class: 'section-row' }, h('button', { type: 'button', class: 'btn', onclick: () => void downloadZip(ctx, view) }, icon('download'), 'Download ZIP')));
}
