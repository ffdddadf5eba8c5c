import { mayAct } from '../auth';
import type { AppContext } from '../context';
import { ApiError, describeError } from '../api';
import { h, mount } from '../dom';
import { dateTime } from '../format';
import { openExternal, vertexEndpointUrl } from '../links';
import { DEPLOYER_ONLY, deployVersion, undeployVersion } from '../model-actions';
import type { DeploymentEvent, VersionDetail } from '../types';
import { errorBlock, loadingBlock, sectionTitle, table } from './parts';
import { icon } from '../icons';
import { playground } from './playground';
import { servingCharts } from './serving-charts';

const ACTIONS: Record<string, string> = { deployed: 'Deployed', undeployed: 'Undeployed', deploy_failed: 'Deploy failed', undeploy_failed: 'Undeploy failed', rollout_step: 'Rollout step' };

function historyTable(events: DeploymentEvent[]): HTMLElement {
  if (events.length === 0) return h('p', { class: 'muted' }, 'No deployments recorded for this version.');
  return table(['Date', 'Action', 'Endpoint', 'Machine', 'By', 'Note'], events.map((e) => [
    dateTime(e.at),
    h('span', { class: `history-action history-${e.action}` }, ACTIONS[e.action] ?? e.action),
    e.endpoint?.split('/').pop() ?? '—',
    e.machineType ? `${e.machineType}${e.replicas ? ` ×${e.replicas.min}–${e.replicas.max}` : ''}` : '—',
    e.actor,
    [e.force ? 'forced' : '', e.reason ?? '', e.error?.message ?? ''].filter(Boolean).join(' · ') || '—',
  ]), { 'data-table': 'deployment-history' });
}

/** The history arrives separately (`GET /api/models/{id}/deployments`); the status shows at once. */
function historySection(history: Promise<DeploymentEvent[]>): HTMLElement {
  const slot = h('div', { 'data-slot': 'deployment-history' }, loadingBlock('the deployment history'));
  history.then(
    (events) => mount(slot, historyTable(events)),
    (error: unknown) => mount(slot, error instanceof ApiError && error.routeMissing
      ? h('p', { class: 'muted' }, 'The deployment history is not available on this server yet.')
      : errorBlock(describeError(error))));
  return slot;
}

export function deploymentTab(ctx: AppContext, view: VersionDetail, history: Promise<DeploymentEvent[]>): HTMLElement {
  const d = view.deployment;
  const deployer = mayAct(ctx.identity(), 'deployer');
  const guard = (button: HTMLButtonElement) => {
    if (!deployer) {
      button.disabled = true;
      button.title = DEPLOYER_ONLY;
    }
    return button;
  };
  let status: HTMLElement;
  if (view.deployed && d) {
    const endpointUrl = vertexEndpointUrl(d.endpoint);
    status = h('div', { class: 'deploy-box deployed', 'data-deploy-state': 'deployed' },
      h('p', { class: 'deploy-state' }, icon('rocket'), 'Currently Deployed'),
      h('dl', { class: 'details-list' },
        h('dt', {}, 'Endpoint'), h('dd', {}, h('code', {}, d.endpoint)),
        h('dt', {}, 'Deployed'), h('dd', {}, `${dateTime(d.deployedAt)} by ${d.deployedBy}`),
        h('dt', {}, 'Machine Type'), h('dd', {}, d.machineType),
        h('dt', {}, 'Replicas'), h('dd', {}, `Min Replicas: ${d.minReplicas} │ Max Replicas: ${d.maxReplicas}`),
        h('dt', {}, 'Traffic'), h('dd', {}, `${d.trafficPercent}%`)),
      h('div', { class: 'section-row' },
        guard(h('button', { type: 'button', class: 'btn btn-danger', onclick: () => void undeployVersion(ctx, view) }, icon('stop'), 'Undeploy')),
        endpointUrl ? h('button', { type: 'button', class: 'btn', onclick: () => openExternal(endpointUrl) }, icon('external'), 'View Endpoint') : null));
  } else if (view.blessed === true) {
    status = h('div', { class: 'deploy-box idle', 'data-deploy-state': 'idle' },
      h('p', { class: 'deploy-state' }, icon('moon'), 'Not deployed'),
      h('p', {}, 'This version is blessed and can serve predictions from a Vertex AI endpoint.'),
      guard(h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void deployVersion(ctx, view) }, icon('rocket'), 'Deploy to Endpoint')));
  } else {
    const pending = view.blessed === null;
    status = h('div', { class: `deploy-box ${pending ? 'pending' : 'not-blessed'}`, 'data-deploy-state': pending ? 'pending' : 'not_blessed' },
      h('p', { class: 'deploy-state' }, icon(pending ? 'clock' : 'alert'), pending ? 'Evaluation pending' : 'Not blessed'),
      h('p', {}, pending
        ? 'This version can be deployed once its evaluation blesses it.'
        : 'This version did not pass evaluation. A deployer can still force a deployment.'),
      pending ? null : guard(h('button', { type: 'button', class: 'btn', onclick: () => void deployVersion(ctx, view) }, 'Force deploy…')));
  }
  return h('div', { class: 'tab-deployment' },
    sectionTitle('Deployment Status'),
    status,
    sectionTitle('Deployment History'),
    historySection(history),
    view.deployed ? sectionTitle('Serving (Cloud Monitoring)') : null,
    servingCharts(ctx, view),
    sectionTitle('Prediction Test'),
    playground(ctx, view, deployer));
}
