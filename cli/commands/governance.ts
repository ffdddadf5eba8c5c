import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { call, openSession } from '../session';
import { table, type Output } from '../output';

const int = (name: string) => (value: string) => {
  if (!/^[0-9]+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(value);
};

/** `policy show|set` (a family's promotion policy) and `audit` (the audit trail). */
export function governanceCommands(program: Command, out: () => Output): void {
  const policy = program.command('policy').description("a family's promotion policy (what protected aliases require)");
  policy.command('show').argument('<family>').action(async (family: string) => {
    const { client } = openSession();
    const p = await call(client.GET('/api/families/{familyId}/policy', { params: { path: { familyId: family } } }));
    out().result(p, () => (p.revision === 0 ? `${family}: no policy (nothing protected)` : `${family} revision ${p.revision} by ${p.updatedBy} at ${p.updatedAt}\n${JSON.stringify(p.protectedAliases, null, 2)}`));
  });
  policy.command('set').argument('<family>').argument('<file.json>', '{"prod": {"requireSignature": true, "requireBlessed": true, "metrics": [...], "approvals": 2}}')
    .description('replace the policy (deployers; audited)')
    .option('--expect-revision <n>', 'only if the policy is still at this revision', int('--expect-revision'))
    .option('--reason <text>', 'why (kept in the audit trail)')
    .action(async (family: string, file: string, o: { expectRevision?: number; reason?: string }) => {
      const { client } = openSession();
      const protectedAliases = JSON.parse(readFileSync(file, 'utf8')) as Record<string, never>;
      const r = await call(client.PUT('/api/families/{familyId}/policy', {
        params: { path: { familyId: family } },
        body: { protectedAliases, ...(o.expectRevision !== undefined && { expectedRevision: o.expectRevision }), ...(o.reason && { reason: o.reason }) },
      }));
      out().result(r, () => (r.changed ? `${family}: policy revision ${r.policy.revision}` : `${family}: unchanged (revision ${r.policy.revision})`));
    });

  program.command('audit').description('the audit trail, newest first (verify it with `verify --audit`)')
    .option('--family <family>').option('--actor <email>').option('--kind <kind>', 'alias.moved, alias.refused, version.deployed, policy.changed, …')
    .option('--limit <n>', 'how many records (1-100)', int('--limit'), 25)
    .action(async (o: { family?: string; actor?: string; kind?: string; limit: number }) => {
      const { client } = openSession();
      const page = await call(client.GET('/api/audit', { params: { query: {
        page_size: o.limit, ...(o.family && { family: o.family }), ...(o.actor && { actor: o.actor }), ...(o.kind && { kind: o.kind as never }),
      } } }));
      out().result(page, () => table(['#', 'AT', 'KIND', 'SUBJECT', 'ACTOR', 'REASON'],
        page.items.map((r) => [r.seq, r.at.slice(0, 19).replace('T', ' '), r.kind, r.subject, r.actor, r.reason ?? ''])));
    });
}
