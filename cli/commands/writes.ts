import { InvalidArgumentError, type Command } from 'commander';
import { CliError, EXIT, call, openSession } from '../session';
import { keyValues, table, type Output } from '../output';

const int = (name: string) => (value: string) => {
  if (!/^[0-9]+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(value);
};

/** `promote`, `deploy`, `undeploy`, `alias`: the registry's changes (`rollout` is in serving.ts). */
export function writeCommands(program: Command, out: () => Output): void {
  program.command('promote').description('register a new version of FAMILY from a training run or a gs:// directory').argument('<family>')
    .option('--run <trainingRunId>', 'the training run whose pushed model to promote')
    .option('--from <gs://bucket/dir>', 'a directory in the pushes bucket')
    .option('--label <label>', 'a version label such as 2026.12-rc1')
    .action(async (family: string, o: { run?: string; from?: string; label?: string }) => {
      const { client } = openSession();
      const v = await call(client.POST('/api/families/{familyId}/versions:promote', {
        params: { path: { familyId: family } }, body: { trainingRunId: o.run, gcsPrefix: o.from, label: o.label },
      }));
      out().result(v, () => `promoted ${v.id} (${v.badge})`);
    });

  program.command('deploy').description('deploy a version to its Vertex AI endpoint').argument('<version>')
    .option('--force', 'deploy a version that is not blessed (recorded in the history)')
    .option('--endpoint <endpoint>', 'endpoint id or resource name (default: the family endpoint)')
    .option('--machine-type <type>', 'Compute Engine machine type')
    .option('--min-replicas <n>', 'minimum replicas', int('--min-replicas'))
    .option('--max-replicas <n>', 'maximum replicas', int('--max-replicas'))
    .option('--traffic <percent>', 'traffic share of the endpoint, 0-100', int('--traffic'))
    .option('--reason <text>', 'why, for the history')
    .action(async (ref: string, o: { force?: boolean; endpoint?: string; machineType?: string; minReplicas?: number; maxReplicas?: number; traffic?: number; reason?: string }) => {
      const { client } = openSession();
      const r = await call(client.POST('/api/models/{id}/deploy', {
        params: { path: { id: ref } },
        body: { force: o.force, endpoint: o.endpoint, machineType: o.machineType, minReplicas: o.minReplicas, maxReplicas: o.maxReplicas, trafficPercent: o.traffic, reason: o.reason },
      }));
      out().result(r, () => (r.changed
        ? `deployed ${r.version.id} to ${r.deployment?.endpoint}${r.replaced.length ? ` (replacing ${r.replaced.join(', ')})` : ''}`
        : `${r.version.id} was already deployed; nothing changed`));
    });

  program.command('undeploy').description('take a version off its endpoint').argument('<version>')
    .option('--reason <text>', 'why, for the history')
    .action(async (ref: string, o: { reason?: string }) => {
      const { client } = openSession();
      const r = await call(client.POST('/api/models/{id}/undeploy', { params: { path: { id: ref } }, body: { reason: o.reason } }));
      out().result(r, () => (r.changed ? `undeployed ${r.version.id}` : `${r.version.id} was not deployed; nothing changed`));
    });

  const alias = program.command('alias').description("a family's aliases (prod, staging, …)");
  alias.command('ls').argument('<family>').description('aliases of a family and their recent moves')
    .action(async (family: string) => {
      const { client } = openSession();
      const r = await call(client.GET('/api/families/{familyId}/aliases', { params: { path: { familyId: family } } }));
      out().result(r, () => table(['ALIAS', 'VERSION', 'MOVED', 'BY'], r.aliases.map((a) => [a.alias, a.versionId, a.movedAt.slice(0, 16).replace('T', ' '), a.movedBy])));
    });
  alias.command('set').argument('<family>').argument('<alias>').argument('<version>', 'version number (3 or v3)')
    .description('point an alias at a version')
    .option('--expect <version>', "only if the alias still names this version ('none': only if it does not exist yet)")
    .option('--reason <text>', 'why (kept in the audit trail)')
    .action(async (family: string, name: string, version: string, o: { expect?: string; reason?: string }) => {
      const { client } = openSession();
      const number = (v: string, flag: string) => {
        if (!/^v?[0-9]+$/.test(v)) throw new CliError(`${flag} must be a version number such as 3 or v3`, EXIT.usage, 'VALIDATION_FAILED');
        return Number(v.replace(/^v/, ''));
      };
      const expectedVersion = o.expect === undefined ? undefined : o.expect === 'none' ? null : number(o.expect, '--expect');
      const r = await call(client.PUT('/api/families/{familyId}/aliases/{alias}', {
        params: { path: { familyId: family, alias: name } }, body: { version: number(version, '<version>'), expectedVersion, ...(o.reason && { reason: o.reason }) },
      }));
      out().result(r, () => (r.changed
        ? `${family}@${name} → ${r.alias?.versionId}${r.previousVersion ? ` (was v${r.previousVersion})` : ''}`
        : `${family}@${name} already names ${r.alias?.versionId}`));
    });
  alias.command('approve').argument('<family>').argument('<alias>').argument('<version>', 'version number or reference (3, v3, recs@staging)')
    .description("approve moving a protected alias to a version (deployers; the family's policy says how many approvals it needs)")
    .option('--reason <text>', 'why (kept in the audit trail)')
    .action(async (family: string, name: string, version: string, o: { reason?: string }) => {
      const { client } = openSession();
      const r = await call(client.POST('/api/families/{familyId}/aliases/{alias}/approvals', {
        params: { path: { familyId: family, alias: name } },
        body: { version: /^[0-9]+$/.test(version) ? Number(version) : version, ...(o.reason && { reason: o.reason }) },
      }));
      out().result(r, () => `${r.changed ? 'approved' : 'already approved'} ${family}@${name} → ${r.versionId}: ${r.approvals.map((a) => a.actor).join(', ')}`);
    });
  alias.command('rm').argument('<family>').argument('<alias>').description('remove an alias')
    .option('--expect <version>', 'only if the alias still names this version (3, v3)')
    .action(async (family: string, name: string, o: { expect?: string }) => {
      const { client } = openSession();
      const r = await call(client.DELETE('/api/families/{familyId}/aliases/{alias}', {
        params: { path: { familyId: family, alias: name }, query: { expectedVersion: o.expect } },
      }));
      out().result(r, () => keyValues([['removed', `${family}@${name}`], ['was', r.previousVersion ? `v${r.previousVersion}` : null]]));
    });
}
