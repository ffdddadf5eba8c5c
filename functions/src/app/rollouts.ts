import { ConflictError, DomainError, NotFoundError } from '../../../shared/errors';
import { versionRef, type EventFactory } from '../../../shared/domain/registry-events';
import { decideRollout, rolloutSplit } from '../../../shared/domain/rollout-plan';
import type { Clock, VersionReader } from '../../../shared/ports';
import type { DeploymentStore, EventFlusher, RolloutStore, ServingFiguresReader, ServingGateway } from '../../../shared/registry-ports';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import type { Rollout, RolloutStepRecord, StartRolloutRequest } from '../../../shared/schemas/rollout';
import type { DeploymentService } from './deployments';
import type { Logger } from '../log';

export interface RolloutDeps {
  versions: VersionReader;
  deployments: Pick<DeploymentStore, 'deployedOn'>;
  /** Undeploys the champion once the challenger has taken all traffic. */
  deploy: Pick<DeploymentService, 'undeploy'>;
  serving: ServingGateway;
  figures: ServingFiguresReader;
  store: RolloutStore;
  events: EventFactory;
  flusher: EventFlusher;
  clock: Clock;
  ids: () => string;
  log: Logger;
}

export interface AdvanceReport {
  checked: number;
  advanced: string[];
  completed: string[];
  rolledBack: string[];
  failed: string[];
}

const SYSTEM_ACTOR = 'rollout-guard';

/**
 * Canary rollouts: a challenger deployed beside the serving champion takes the plan's steps of traffic,
 * each held for its bake time; the minute job advances them and rolls back on a breached guard. Every
 * traffic change goes through Vertex AI guarded by the endpoint's etag (a concurrent change makes this one
 * fail with TRAFFIC_CHANGED, never overwrite it) and is recorded by `recordStep` only.
 */
export class RolloutService {
  constructor(private readonly deps: RolloutDeps) {}

  async start(challengerId: string, request: StartRolloutRequest, actor: string): Promise<Rollout> {
    const challenger = await this.deployed(challengerId);
    const existing = await this.deps.store.get(challengerId);
    if (existing?.status === 'running') throw new ConflictError(`A rollout of '${challengerId}' is already running`, { stepIndex: existing.stepIndex });
    const endpoint = challenger.deployment!.endpoint;
    const peers = (await this.deps.deployments.deployedOn(endpoint)).filter((v) => v.id !== challenger.id && v.familyId === challenger.familyId && v.deployment?.deployedModelId);
    const champion = peers.sort((a, b) => b.deployment!.trafficPercent - a.deployment!.trafficPercent)[0];
    if (!champion) throw new ConflictError(`No other version of '${challenger.familyId}' serves on ${endpoint}: deploy '${challengerId}' beside the champion first`, { endpoint });
    const now = this.deps.clock.now().toISOString();
    const rollout: Rollout = {
      id: challenger.id, endpoint,
      champion: { versionId: champion.id, deployedModelId: champion.deployment!.deployedModelId! },
      challenger: { versionId: challenger.id, deployedModelId: challenger.deployment!.deployedModelId! },
      plan: request.plan, status: 'running', stepIndex: 0, stepStartedAt: now, startedAt: now, startedBy: actor, onlineMetric: null, steps: [],
    };
    return this.applyStep(rollout, { action: 'started', stepIndex: 0, trafficPercent: request.plan.steps[0]!.trafficPercent, actor, reason: request.reason ?? null }, null);
  }

  async promote(challengerId: string, actor: string, reason?: string): Promise<Rollout> {
    const rollout = await this.runningRollout(challengerId);
    const done = await this.applyStep(rollout, { action: 'promoted', stepIndex: rollout.stepIndex, trafficPercent: 100, actor, reason: reason ?? null }, 'running');
    await this.retireChampion(done, actor);
    return done;
  }

  async rollBack(challengerId: string, actor: string, reason?: string): Promise<Rollout> {
    const rollout = await this.runningRollout(challengerId);
    return this.applyStep(rollout, { action: 'rolled_back', stepIndex: rollout.stepIndex, trafficPercent: 0, actor, reason: reason ?? null }, 'running');
  }

  get(challengerId: string): Promise<Rollout | null> {
    return this.deps.store.get(challengerId);
  }

  async reportOnlineMetric(challengerId: string, name: string, value: number): Promise<void> {
    const rollout = await this.runningRollout(challengerId);
    const wanted = rollout.plan.guards.minOnlineMetric?.name;
    if (wanted !== name) throw new DomainError('VALIDATION_FAILED', `The rollout's plan guards ${wanted ? `the online metric '${wanted}'` : 'no online metric'}`, { fields: [{ path: 'body.name', message: `must be ${wanted ?? 'absent: the plan has no online metric'}` }] });
    await this.deps.store.setOnlineMetric(challengerId, value);
  }

  /** The minute job: every running rollout is judged on its challenger's figures since its step began. */
  async advance(): Promise<AdvanceReport> {
    const report: AdvanceReport = { checked: 0, advanced: [], completed: [], rolledBack: [], failed: [] };
    for (const rollout of await this.deps.store.running()) {
      report.checked++;
      try {
        const now = this.deps.clock.now();
        const figures = await this.deps.figures.figures({
          endpoint: rollout.endpoint, deployedModelId: rollout.challenger.deployedModelId,
          start: new Date(rollout.stepStartedAt), end: now, bucketMs: Math.max(60_000, now.getTime() - Date.parse(rollout.stepStartedAt)),
        });
        const decision = decideRollout(rollout.plan, rollout, { ...figures, onlineMetric: rollout.onlineMetric }, now);
        if (decision.action === 'hold') continue;
        if (decision.action === 'roll_back') {
          await this.applyStep(rollout, { action: 'auto_rolled_back', stepIndex: rollout.stepIndex, trafficPercent: 0, actor: SYSTEM_ACTOR, reason: decision.reason }, 'running');
          report.rolledBack.push(rollout.id);
        } else if (decision.action === 'advance') {
          await this.applyStep(rollout, { action: 'advanced', stepIndex: decision.stepIndex, trafficPercent: decision.trafficPercent, actor: SYSTEM_ACTOR, reason: decision.reason }, 'running');
          report.advanced.push(rollout.id);
        } else {
          const done = await this.applyStep(rollout, { action: 'completed', stepIndex: rollout.stepIndex, trafficPercent: 100, actor: SYSTEM_ACTOR, reason: decision.reason }, 'running');
          await this.retireChampion(done, SYSTEM_ACTOR);
          report.completed.push(rollout.id);
        }
      } catch (error) {
        this.deps.log.warn('rollouts: could not advance', { versionId: rollout.id, error });
        report.failed.push(rollout.id);
      }
    }
    return report;
  }

  /**
   * Sets the endpoint's traffic for a step (guarded by the etag just read) and records it: the one place
   * a rollout step is written (rollout document, traffic shares, the challenger's deployment history, a
   * `version.rollout_step` event).
   */
  private async applyStep(rollout: Rollout, step: Omit<RolloutStepRecord, 'at'>, expectedStatus: 'running' | null): Promise<Rollout> {
    const state = await this.deps.serving.endpoint(rollout.endpoint);
    const ids = state.deployedModels.map((d) => d.id);
    for (const side of [rollout.champion, rollout.challenger]) {
      if (!ids.includes(side.deployedModelId)) throw new ConflictError(`Version '${side.versionId}' no longer serves on ${rollout.endpoint}`, { versionId: side.versionId });
    }
    const split = { ...Object.fromEntries(ids.map((id) => [id, 0])), ...rolloutSplit(rollout.champion.deployedModelId, rollout.challenger.deployedModelId, step.trafficPercent) };
    await this.deps.serving.setTraffic({ endpoint: rollout.endpoint, trafficSplit: split, etag: state.etag ?? '' });

    const at = this.deps.clock.now().toISOString();
    const record: RolloutStepRecord = { ...step, at };
    const finished = step.action === 'completed' || step.action === 'promoted' ? 'completed' : step.action.endsWith('rolled_back') ? 'rolled_back' : 'running';
    const next: Rollout = {
      ...rollout, status: finished, stepIndex: step.stepIndex,
      stepStartedAt: step.stepIndex !== rollout.stepIndex || step.action === 'started' ? at : rollout.stepStartedAt,
      steps: [...rollout.steps, record],
    };
    const challenger = await this.deps.versions.get(rollout.challenger.versionId);
    const event = this.deps.events('version.rollout_step', rollout.challenger.versionId, {
      ...(challenger ? versionRef(challenger) : {}), endpoint: rollout.endpoint, champion: rollout.champion, challenger: rollout.challenger,
      ...record, status: next.status,
    });
    await this.deps.store.recordStep({
      rollout: next, trafficSplit: split, event, expectedStatus,
      history: {
        id: this.deps.ids(), versionId: rollout.challenger.versionId, action: 'rollout_step', endpoint: rollout.endpoint,
        deployedModelId: rollout.challenger.deployedModelId, actor: step.actor, at, machineType: null, replicas: null,
        trafficPercent: step.trafficPercent, force: false, blessed: challenger?.blessed ?? null,
        reason: `${step.action}${step.reason ? `: ${step.reason}` : ''}`, error: null,
      },
    });
    await this.deps.flusher.flush([event.id]);
    return next;
  }

  private async retireChampion(rollout: Rollout, actor: string): Promise<void> {
    try {
      await this.deps.deploy.undeploy(rollout.champion.versionId, { reason: `replaced by ${rollout.challenger.versionId} (rollout completed)` }, actor);
    } catch (error) {
      // It keeps serving with no traffic; an explicit undeploy can remove it later.
      this.deps.log.warn('rollouts: could not undeploy the champion replaced', { versionId: rollout.champion.versionId, error });
    }
  }

  private async runningRollout(challengerId: string): Promise<Rollout> {
    const rollout = await this.deps.store.get(challengerId);
    if (!rollout) throw new NotFoundError('Rollout', challengerId);
    if (rollout.status !== 'running') throw new ConflictError(`The rollout of '${challengerId}' is ${rollout.status}`, { status: rollout.status });
    return rollout;
  }

  private async deployed(versionId: string): Promise<ModelVersion> {
    const version = await this.deps.versions.get(versionId);
    if (!version) throw new NotFoundError('Model version', versionId);
    if (!version.deployed || !version.deployment?.deployedModelId) {
      throw new DomainError('NOT_DEPLOYED', `Model version '${versionId}' is not deployed: deploy it beside the champion (e.g. trafficPercent 0) first`, { versionId });
    }
    return version;
  }
}
