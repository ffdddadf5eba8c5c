import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { CliError, EXIT, call, openSession } from '../session';
import { keyValues, table, type Output } from '../output';
import type { Rollout } from '../../shared/schemas/rollout';


const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

/** `10,50,100` → the plan's shares; the API checks that they rise to 100. */
function shares(value: string): number[] {
  if (!/^[0-9]+(,[0-9]+)*$/.test(value)) throw new InvalidArgumentError('--steps must be shares such as 10,50,100');
  return value.split(',').map(Number);
}

/** `ctr>=0.02`: the online metric a caller reports, and the least value it may take. */
function onlineGuard(value: string): { name: string; min: number } {
  const match = /^([a-z][a-z0-9_]{0,63})>=(-?[0-9.]+(?:e-?[0-9]+)?)$/.exec(value);
  if (!match) throw new InvalidArgumentError('--online-metric must read name>=min, such as ctr>=0.02');
  return { name: match[1]!, min: Number(match[2]) };
}

function describeRollout(r: Rollout): string {
  const plan = r.plan.steps.map((s, i) => `${i === r.stepIndex && r.status === 'running' ? '[' : ''}${s.trafficPercent}%/${s.bakeMinutes}m${i === r.stepIndex && r.status === 'running' ? ']' : ''}`).join(' → ');
  return [
    keyValues([['rollout', `${r.id} against ${r.champion.versionId}`], ['status', r.status], ['endpoint', r.endpoint], ['plan', plan]]),
    '',
    table(['AT', 'ACTION', 'SHARE', 'BY', 'REASON'], r.steps.map((s) => [s.at.slice(0, 19).replace('T', ' '), s.action, `${s.trafficPercent}%`, s.actor, s.reason])),
  ].join('\n');
}

/** `instances` from a file (`-` for stdin): a JSON array, or `{instances, parameters}` as the API takes it. */
function readInstances(source: string): { instances: Record<string, unknown>[]; parameters?: Record<string, unknown> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(source === '-' ? 0 : source, 'utf8'));
  } catch (error) {
    throw new CliError(`${source}: ${(error as Error).message}`, EXIT.usage, 'VALIDATION_FAILED');
  }
  if (Array.isArray(parsed)) return { instances: parsed as Record<string, unknown>[] };
  if (parsed && typeof parsed === 'object' && 'instances' in parsed) return parsed as { instances: Record<string, unknown>[] };
  throw new CliError(`${source} must hold a JSON array of instances or an object with "instances"`, EXIT.usage, 'VALIDATION_FAILED');
}

/** `rollout …` (canaries and stepwise rollouts with guards) and `predict`. */
export function servingCommands(program: Command, out: () => Output): void {
  const rollout = program.command('rollout').description('canary rollouts: a challenger beside the serving champion, stepwise with guards');

  rollout.command('start', { isDefault: true }).argument('<version>')
    .description('deploy a challenger beside the champion at a share (--percent), or roll it out step by step (--steps)')
    .option('--percent <n>', 'a fixed share of the traffic, 1-99 (100 is a plain deploy)', number('--percent'))
    .option('--steps <shares>', 'a plan: shares rising to 100, such as 10,50,100; the minute job advances it', shares)
    .option('--bake <minutes>', 'with --steps: how long each step runs healthy before the next', number('--bake'), 30)
    .option('--max-error-rate <fraction>', 'with --steps: roll back when the challenger\'s error rate passes this (0-1)', number('--max-error-rate'))
    .option('--max-p95-ms <ms>', 'with --steps: roll back when its p95 latency passes this', number('--max-p95-ms'))
    .option('--min-predictions <n>', 'with --steps: judge a step only after this many predictions', number('--min-predictions'))
    .option('--online-metric <name>=min>', 'with --steps: roll back when a metric you report falls below, such as ctr>=0.02', onlineGuard)
    .option('--force', 'roll out a version that is not blessed')
    .option('--reason <text>', 'why, for the history')
    .action(async (ref: string, o: { percent?: number; steps?: number[]; bake: number; maxErrorRate?: number; maxP95Ms?: number; minPredictions?: number; onlineMetric?: { name: string; min: number }; force?: boolean; reason?: string }) => {
      if ((o.percent === undefined) === (o.steps === undefined)) throw new CliError('give either --percent or --steps', EXIT.usage, 'VALIDATION_FAILED');
      if (o.percent !== undefined && (o.percent < 1 || o.percent > 99 || !Number.isInteger(o.percent))) throw new CliError('--percent must be from 1 to 99', EXIT.usage, 'VALIDATION_FAILED');
      const { client } = openSession();
      const share = o.percent ?? o.steps![0]!;
      // The challenger serves beside the champion first (a version already there keeps its deployment).
      const deployed = await call(client.POST('/api/models/{id}/deploy', {
        params: { path: { id: ref } }, body: { trafficPercent: share, force: o.force, reason: o.reason },
      }));
      if (!o.steps) {
        out().result(deployed, () => (deployed.changed
          ? `${deployed.version.id} takes ${deployed.deployment?.trafficPercent}% of ${deployed.deployment?.endpoint}; the versions already there keep the rest`
          : `${deployed.version.id} is already deployed; nothing changed`));
        return;
      }
      const guards = {
        ...(o.maxErrorRate !== undefined && { maxErrorRate: o.maxErrorRate }),
        ...(o.maxP95Ms !== undefined && { maxP95LatencyMs: o.maxP95Ms }),
        ...(o.minPredictions !== undefined && { minPredictions: o.minPredictions }),
        ...(o.onlineMetric && { minOnlineMetric: o.onlineMetric }),
      };
      const started = await call(client.POST('/api/models/{id}/rollout', {
        params: { path: { id: deployed.version.id } },
        body: { plan: { steps: o.steps.map((trafficPercent) => ({ trafficPercent, bakeMinutes: o.bake })), guards }, reason: o.reason },
      }));
      out().result(started, () => describeRollout(started));
    });

  rollout.command('status').argument('<version>').description('a rollout\'s plan, where it stands, and every step with who and why')
    .action(async (ref: string) => {
      const { client } = openSession();
      const r = await call(client.GET('/api/models/{id}/rollout', { params: { path: { id: ref } } }));
      out().result(r, () => describeRollout(r));
    });

  for (const [name, path, summary] of [
    ['promote', '/api/models/{id}/rollout/promote', 'give the challenger all traffic now and retire the champion'],
    ['rollback', '/api/models/{id}/rollout/rollback', 'hand all traffic back to the champion and stop the rollout'],
  ] as const) {
    rollout.command(name).argument('<version>').description(summary).option('--reason <text>', 'why, for the history')
      .action(async (ref: string, o: { reason?: string }) => {
        const { client } = openSession();
        const r = await call(client.POST(path, { params: { path: { id: ref } }, body: { reason: o.reason } }));
        out().result(r, () => describeRollout(r));
      });
  }

  program.command('predict').argument('<version>').description('online predictions from the endpoint a version is deployed on')
    .requiredOption('--instances <file>', 'a JSON array of instances, or {"instances", "parameters"}; - reads stdin')
    .action(async (ref: string, o: { instances: string }) => {
      const { client } = openSession();
      const r = await call(client.POST('/api/models/{id}/predict', { params: { path: { id: ref } }, body: readInstances(o.instances) }));
      out().result(r, () => [
        keyValues([
          ['answered by', `${r.answeredBy.versionId ?? r.answeredBy.model} (deployed model ${r.answeredBy.deployedModelId})`],
          ['latency', `${Math.round(r.latencyMs)} ms`],
        ]),
        ...r.predictions.map((p) => JSON.stringify(p)),
      ].join('\n'));
    });
}
