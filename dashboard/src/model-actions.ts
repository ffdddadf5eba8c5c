import { ApiError, describeError } from './api';
import { mayAct } from './auth';
import { copyText } from './clipboard';
import type { AppContext } from './context';
import { field, openDialog, type DialogControls } from './dialog';
import { h } from './dom';
import { openExternal, vertexModelUrl } from './links';
import type { MenuItem } from './menu';
import { toast } from './toast';
import type { DeploymentResult, DeployRequest, ModelVersionView } from './types';

/** Every action on a version, shared by the table's menu, the modal's footer and its Deployment tab. */

const MACHINE_TYPES = ['n1-standard-2', 'n1-standard-4', 'n1-standard-8', 'n1-highmem-4', 'e2-standard-4', 'g2-standard-8'];
export const DEPLOYER_ONLY = 'Requires the deployer role';
export const EDITOR_ONLY = 'Requires the editor role';

export function canDeploy(view: ModelVersionView): boolean {
  return !view.deployed && view.blessed === true;
}

/** A missing route is another engineer's endpoint that has not landed: say so, never crash. */
function reportFailure(action: string, error: unknown): void {
  if (error instanceof ApiError && error.routeMissing) toast(`${action} is not available yet on this server.`, 'info');
  else toast(`${action} failed: ${describeError(error)}`, 'error');
}

const getVersion = (ctx: AppContext, id: string): Promise<ModelVersionView> => ctx.api.call((c) => c.GET('/api/models/{id}', { params: { path: { id } } }));

function isView(value: unknown, id: string): value is ModelVersionView {
  return typeof value === 'object' && value !== null && (value as ModelVersionView).id === id && 'badge' in value;
}

/**
 * Applies a deploy/undeploy answer everywhere: the version's new state, and the versions of the
 * family it replaced on the endpoint (now undeployed). Accepts a DeploymentResult or a bare view.
 */
async function applyDeployment(ctx: AppContext, id: string, answer: unknown): Promise<{ view: ModelVersionView; changed: boolean; replaced: string[] }> {
  const result = answer as Partial<DeploymentResult> | null;
  const view = isView(result?.version, id) ? result.version : isView(answer, id) ? answer : await getVersion(ctx, id);
  const replaced = Array.isArray(result?.replaced) ? result.replaced : [];
  ctx.versionChanged(view);
  for (const other of await Promise.all(replaced.map((r) => getVersion(ctx, r).catch(() => null)))) if (other) ctx.versionChanged(other);
  return { view, changed: result?.changed !== false, replaced };
}

const endpointName = (view: ModelVersionView) => view.deployment?.endpoint.split('/').pop();

function numberInput(name: string, value: number, min: number, max: number): HTMLInputElement {
  return h('input', { type: 'number', name, value, min, max, step: 1, required: true, inputmode: 'numeric' });
}

/** The deploy form; without a version it first offers the blessed, idle ones to choose from. */
export async function deployVersion(ctx: AppContext, view: ModelVersionView | null): Promise<void> {
  const picker = h('select', { name: 'version', required: true }, h('option', { value: '' }, 'Loading blessed versions…'));
  const candidates = new Map<string, ModelVersionView>();
  const machine = h('select', { name: 'machineType' }, MACHINE_TYPES.map((m) => h('option', { value: m }, m)));
  machine.value = 'n1-standard-4';
  const min = numberInput('minReplicas', 1, 1, 1000);
  const max = numberInput('maxReplicas', 2, 1, 1000);
  const traffic = numberInput('trafficPercent', 100, 0, 100);
  const reason = h('input', { name: 'reason', maxlength: 500, autocomplete: 'off', placeholder: 'Recorded in the deployment history' });
  const force = h('input', { type: 'checkbox', name: 'force' });
  const forceRow = h('label', { class: 'checkbox-row warning' }, force, ' Deploy although this version is not blessed');
  forceRow.hidden = view === null || view.blessed === true;
  const title = view ? `Deploy ${view.name}` : 'Deploy a model version';
  // Where it goes, and what serves there now: a deploy at 100 % replaces the family's versions on that endpoint.
  const endpoint = h('select', { name: 'endpoint' });
  const impact = h('p', { class: 'deploy-impact', 'data-field': 'deploy-impact', role: 'status' });
  let serving: ModelVersionView[] = [];

  const body = h('div', { class: 'form-grid' },
    view
      ? h('p', { class: 'dialog-lead' }, `Serve ${view.name} (${view.versionLabel}) from a Vertex AI endpoint. It takes traffic once the deployment finishes.`)
      : field('Version', picker, 'Blessed versions that are not serving'),
    field('Endpoint', endpoint, 'Vertex AI endpoint the version serves from'),
    impact,
    field('Machine type', machine),
    h('div', { class: 'field-trio' }, field('Min replicas', min), field('Max replicas', max), field('Traffic %', traffic)),
    field('Reason (optional)', reason),
    forceRow);

  const target = (): ModelVersionView | undefined => view ?? candidates.get(picker.value);
  const familyEndpoint = (v: ModelVersionView) => `${v.familyId}-endpoint`;
  const chosenEndpoint = (v: ModelVersionView) => endpoint.value || familyEndpoint(v);
  const showEndpoints = () => {
    const version = target();
    if (!version) {
      endpoint.replaceChildren(h('option', { value: '' }, 'The family endpoint'));
      impact.textContent = '';
      return;
    }
    const kept = endpoint.value;
    const others = [...new Set(serving.filter((v) => v.familyId === version.familyId).map(endpointName))]
      .filter((id): id is string => Boolean(id) && id !== familyEndpoint(version));
    endpoint.replaceChildren(
      h('option', { value: '' }, `${familyEndpoint(version)} (the family's; created on first deploy)`),
      ...others.map((id) => h('option', { value: id }, id)));
    endpoint.value = others.includes(kept) ? kept : '';
    showImpact();
  };
  const showImpact = () => {
    const version = target();
    if (!version) return;
    const where = chosenEndpoint(version);
    const there = serving.filter((v) => v.id !== version.id && v.familyId === version.familyId && endpointName(v) === where);
    const names = there.map((v) => `${v.name} (${v.versionLabel})`).join(', ');
    const share = traffic.valueAsNumber;
    impact.dataset.replaces = String(there.length > 0 && share === 100);
    impact.textContent = there.length === 0
      ? `Nothing of ${version.familyId} serves on ${where} yet: ${version.name} takes ${share} % of its traffic.`
      : share === 100
        ? `This replaces what is serving: ${names} on ${where} is undeployed once ${version.name} takes all the traffic.`
        : `${names} keeps ${100 - share} % of ${where}'s traffic beside ${version.name} at ${share} % (a canary; start a rollout plan to advance it with guards).`;
  };
  endpoint.addEventListener('change', showImpact);
  traffic.addEventListener('input', showImpact);
  picker.addEventListener('change', showEndpoints);
  showEndpoints();
  await openDialog({
    title, body, confirmLabel: 'Deploy',
    onOpen() {
      ctx.api.call((c) => c.GET('/api/models', { params: { query: { status: 'deployed', page_size: 100 } } }))
        .then(({ items }) => { serving = items; showEndpoints(); })
        .catch(() => { impact.textContent = 'Could not read what serves now.'; });
      if (view) return;
      ctx.api.call((c) => c.GET('/api/models', { params: { query: { status: 'idle', sort: 'latest', page_size: 100 } } }))
        .then(({ items }) => {
          for (const item of items) candidates.set(item.id, item);
          picker.replaceChildren(
            h('option', { value: '' }, items.length ? 'Choose a version…' : 'No blessed version is waiting to be deployed'),
            ...items.map((item) => h('option', { value: item.id }, `${item.name} (${item.versionLabel})`)));
        })
        .catch((error: unknown) => picker.replaceChildren(h('option', { value: '' }, `Could not load versions: ${describeError(error)}`)));
    },
    async onConfirm(controls: DialogControls) {
      const version = target();
      if (!version) throw new Error('Choose a version to deploy.');
      const request: DeployRequest = {
        machineType: machine.value, minReplicas: min.valueAsNumber, maxReplicas: max.valueAsNumber, trafficPercent: traffic.valueAsNumber,
        ...(endpoint.value && { endpoint: endpoint.value }),
      };
      if (request.minReplicas! > request.maxReplicas!) throw new Error('Min replicas cannot exceed max replicas.');
      if (!forceRow.hidden && !force.checked) throw new Error('This version is not blessed: tick the box to deploy it anyway.');
      if (force.checked) request.force = true;
      if (reason.value.trim()) request.reason = reason.value.trim();
      try {
        const answer = await ctx.api.call((c) => c.POST('/api/models/{id}/deploy', { params: { path: { id: version.id } }, body: request }));
        const { view: updated, changed, replaced } = await applyDeployment(ctx, version.id, answer);
        const where = endpointName(updated) ? ` to ${endpointName(updated)}` : '';
        if (!changed) toast(`${updated.name} was already deployed${where}.`, 'info');
        else toast(`${updated.name} is deployed${where}${replaced.length ? ` (replacing ${replaced.join(', ')})` : ''}.`, 'success');
      } catch (error) {
        if (error instanceof ApiError && error.code === 'NOT_BLESSED') {
          forceRow.hidden = false;
          controls.setConfirmLabel('Deploy anyway');
          throw new Error(`${version.name} is not blessed. Tick the box to deploy it anyway.`);
        }
        if (error instanceof ApiError && (error.routeMissing || error.status === 401)) {
          controls.dialog.close();
          if (error.routeMissing) reportFailure('Deployment', error);
          return;
        }
        throw new Error(describeError(error));
      }
    },
  });
}

export async function undeployVersion(ctx: AppContext, view: ModelVersionView): Promise<void> {
  const endpoint = view.deployment?.endpoint ?? 'its endpoint';
  const reason = h('input', { name: 'reason', maxlength: 500, autocomplete: 'off', placeholder: 'Recorded in the deployment history' });
  await openDialog({
    title: `Undeploy ${view.name}?`,
    tone: 'danger',
    confirmLabel: 'Undeploy',
    body: h('div', {},
      h('p', { class: 'dialog-lead' }, `${view.name} stops serving from `, h('code', {}, endpoint), '. Requests to that endpoint fail until another version is deployed.'),
      h('p', { class: 'muted' }, 'The version itself stays in the registry and can be deployed again.'),
      field('Reason (optional)', reason)),
    async onConfirm(controls) {
      try {
        const answer = await ctx.api.call((c) => c.POST('/api/models/{id}/undeploy', { params: { path: { id: view.id } }, body: reason.value.trim() ? { reason: reason.value.trim() } : {} }));
        const { view: updated } = await applyDeployment(ctx, view.id, answer);
        toast(`${updated.name} is no longer deployed.`, 'success');
      } catch (error) {
        if (error instanceof ApiError && (error.routeMissing || error.status === 401)) {
          controls.dialog.close();
          if (error.routeMissing) reportFailure('Undeploy', error);
          return;
        }
        throw new Error(describeError(error));
      }
    },
  });
}

export async function downloadZip(ctx: AppContext, view: ModelVersionView): Promise<void> {
  toast(`Preparing ${view.name}.zip…`, 'info');
  try {
    const { blob, name } = await ctx.api.download(view.id, `${view.id}.zip`);
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
    toast(`Downloaded ${name}`, 'success');
  } catch (error) {
    reportFailure('Download', error);
  }
}

/** Mirrors a version to Vertex AI again now, instead of waiting for the automatic retry. */
export async function retryMirror(ctx: AppContext, view: ModelVersionView): Promise<void> {
  toast(`Registering ${view.name} in Vertex AI…`, 'info');
  try {
    const answer = await ctx.api.call((c) => c.POST('/api/models/{id}/mirror', { params: { path: { id: view.id } }, body: {} }));
    const { view: updated } = await applyDeployment(ctx, view.id, answer);
    toast(`${updated.name} is registered in Vertex AI.`, 'success');
  } catch (error) {
    reportFailure('Vertex AI registration', error);
  }
}

export function openInVertex(view: ModelVersionView): void {
  const url = vertexModelUrl(view.vertex.modelResourceName, view.vertex.versionId);
  if (url) openExternal(url);
  else toast(`${view.name} is not in Vertex AI Model Registry yet (${view.vertex.state}).`, 'info');
}

/** The seed's actions dropdown for one version, as allowed by its status and the user's role. */
export function versionMenuItems(ctx: AppContext, view: ModelVersionView): MenuItem[] {
  const deployer = mayAct(ctx.identity(), 'deployer');
  const items: MenuItem[] = [
    { group: 0, icon: 'eye', label: 'View details', run: () => ctx.openModel(view.id, 'overview', view) },
    { group: 0, icon: 'chart', label: 'Compare', run: () => ctx.openModel(view.id, 'versions', view) },
  ];
  if (view.deployed) {
    items.push({ group: 1, icon: 'stop', label: 'Undeploy', run: () => void undeployVersion(ctx, view), disabledReason: deployer ? undefined : DEPLOYER_ONLY });
  } else if (canDeploy(view)) {
    items.push({ group: 1, icon: 'rocket', label: 'Deploy', run: () => void deployVersion(ctx, view), disabledReason: deployer ? undefined : DEPLOYER_ONLY });
  }
  const vertexUrl = vertexModelUrl(view.vertex.modelResourceName, view.vertex.versionId);
  if (view.vertex.state === 'failed') {
    items.push({ group: 1, icon: 'refresh', label: 'Retry Vertex AI registration', run: () => void retryMirror(ctx, view), disabledReason: mayAct(ctx.identity(), 'editor') ? undefined : EDITOR_ONLY });
  }
  items.push(
    { group: 2, icon: 'copy', label: 'Copy artifact URL', run: () => void copyText(view.artifacts.modelUri, 'Artifact URL') },
    { group: 2, icon: 'external', label: 'Open in Vertex AI', run: () => openInVertex(view), disabledReason: vertexUrl ? undefined : `Not mirrored to Vertex AI (${view.vertex.state})` },
    { group: 2, icon: 'download', label: 'Download ZIP', run: () => void downloadZip(ctx, view) },
  );
  return items;
}
