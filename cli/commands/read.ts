import type { Command } from 'commander';
import type { components } from '../../shared/api-client/paths';
import { call, openSession } from '../session';
import { keyValues, table, type Output } from '../output';

type Version = components['schemas']['ModelVersion'];

const metric = (v: Pick<Version, 'primaryMetric'>) => (v.primaryMetric ? `${v.primaryMetric.label} ${v.primaryMetric.value}` : null);

/** `ls`, `show`, `versions`, `schedules`: the registry's reads. */
export function readCommands(program: Command, out: () => Output): void {
  program.command('ls').description('list registered versions, newest first')
    .option('--type <modelType>', 'retrieval, ranking, hybrid or multitask')
    .option('--status <status>', 'blessed, not_blessed, deployed, idle or pending')
    .option('--search <text>', 'names, tags and metric names')
    .option('--sort <sort>', 'latest, oldest, best or name', 'latest')
    .option('--limit <n>', 'page size (1-100)', '25')
    .option('--cursor <cursor>', 'the nextCursor of a previous page')
    .action(async (o: { type?: string; status?: string; search?: string; sort: string; limit: string; cursor?: string }) => {
      const { client } = openSession();
      const page = await call(client.GET('/api/models', {
        params: { query: { model_type: o.type as never, status: o.status as never, search: o.search, sort: o.sort as never, page_size: Number(o.limit), cursor: o.cursor } },
      }));
      out().result(page, () => {
        const rows = page.items.map((v) => [v.id, v.badge, metric(v), v.registeredAt.slice(0, 16).replace('T', ' '), v.aliases.join(',') || null]);
        const more = page.nextCursor ? `\n\nmore: --cursor ${page.nextCursor}` : '';
        return table(['VERSION', 'STATUS', 'METRIC', 'REGISTERED', 'ALIASES'], rows) + more;
      });
    });

  program.command('show').description('one version (id, family@alias or family@v<n>)').argument('<version>')
    .action(async (ref: string) => {
      const { client } = openSession();
      const v = await call(client.GET('/api/models/{id}', { params: { path: { id: ref } } }));
      out().result(v, () => keyValues([
        ['version', v.id], ['name', v.name], ['family', v.familyId], ['type', v.modelType], ['status', v.badge],
        ['blessed', v.blessed], ['metric', metric(v)],
        ['metrics', Object.entries(v.metrics).map(([k, x]) => `${k}=${x}`).join(' ')],
        ['aliases', v.aliases.join(', ')], ['registered', `${v.registeredAt} by ${v.registeredBy}`],
        ['source', v.artifacts.modelUri], ['files', `${v.artifacts.fileCount} (${v.artifacts.sizeBytes} bytes)`],
        ['manifest', v.artifacts.manifestDigest], ['vertex', v.vertex.state],
        ['deployed', v.deployment ? `${v.deployment.endpoint} (${v.deployment.trafficPercent}%)` : null],
      ]));
    });

  program.command('versions').description("every version of a version's family, with metric changes").argument('<version>')
    .action(async (ref: string) => {
      const { client } = openSession();
      const history = await call(client.GET('/api/models/{id}/versions', { params: { path: { id: ref } } }));
      out().result(history, () => table(['VERSION', 'STATUS', 'METRIC', 'CHANGE', 'REGISTERED'], history.items.map((v) => {
        const primary = v.primaryMetric && v.deltas.find((d) => d.metric === v.primaryMetric!.name);
        const change = primary?.change == null ? null : `${primary.change > 0 ? '+' : ''}${primary.change.toFixed(4)}${primary.improved === false ? ' (worse)' : ''}`;
        return [v.id, v.badge, metric(v), change, v.registeredAt.slice(0, 10)];
      })));
    });

  program.command('schedules').description('training schedules and when each fires next')
    .action(async () => {
      const { client } = openSession();
      const page = await call(client.GET('/api/training-schedules', { params: { query: { page_size: 100 } } }));
      out().result(page, () => table(['ID', 'NAME', 'FAMILY', 'WHEN', 'NEXT', 'STATE'], page.items.map((s) => [
        s.id, s.name, s.familyId, s.description, s.nextFireTime, s.state === 'paused' ? 'paused' : `sync ${s.sync.state}`,
      ])));
    });
}
