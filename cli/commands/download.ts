import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { ArchiveCheck } from '../../shared/domain/archive-check';
import { CliError, EXIT, call, openSession } from '../session';
import { keyValues, type Output } from '../output';
import { byteProgress } from '../progress';
import { checkZipFile } from '../zip-check';

function report(file: string, check: ArchiveCheck): string {
  return keyValues([
    ['file', file], ['version', check.versionId], ['manifest', check.manifestDigest],
    ['verified', `${check.verifiedFiles} files`], ['result', check.ok ? 'OK' : `FAILED\n  ${check.problems.join('\n  ')}`],
  ]);
}

/** `download` (the version ZIP, optionally verified) and `verify` (a ZIP already on disk). */
export function downloadCommands(program: Command, out: () => Output): void {
  program.command('download').description('download a version as a ZIP').argument('<version>')
    .option('-o, --output <file>', 'where to write it (default: the name the registry suggests)')
    .option('--verify', "check every file against the manifest, and the manifest against the registry's")
    .action(async (ref: string, o: { output?: string; verify?: boolean }) => {
      const { client } = openSession();
      const answer = await client.GET('/api/models/{id}/download', { params: { path: { id: ref } }, parseAs: 'stream' });
      // openapi-fetch reads an error answer as JSON whatever `parseAs` says.
      if (!answer.response.ok || !answer.data) await call(Promise.resolve(answer));
      const suggested = /filename="([^"]+)"/.exec(answer.response.headers.get('content-disposition') ?? '')?.[1];
      const file = o.output ?? suggested ?? `${ref.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`;
      const bar = byteProgress('downloading', null, !out().json);
      const count = new Transform({ transform(chunk: Buffer, _e, done) { bar.add(chunk.length); done(null, chunk); } });
      await pipeline(Readable.fromWeb(answer.data as never), count, createWriteStream(file));
      bar.stop();
      if (!o.verify) {
        out().result({ file }, () => `saved ${file}`);
        return;
      }
      const check = await checkZipFile(file);
      const id = check.versionId ?? ref;
      const registered = await call(client.GET('/api/models/{id}/manifest', { params: { path: { id } } }));
      if (registered.manifestDigest !== check.manifestDigest) {
        check.problems.push(`the ZIP's manifest ${check.manifestDigest} is not the registered ${registered.manifestDigest}`);
        check.ok = false;
      }
      out().result({ file, ...check }, () => report(file, check));
      if (!check.ok) throw new CliError(`${file} does not match version ${id}`, EXIT.integrity, 'INTEGRITY_FAILED');
    });

  program.command('verify').description("check a version ZIP's files against its manifest, offline").argument('<file.zip>')
    .action(async (file: string) => {
      const check = await checkZipFile(file).catch((error: Error) => {
        throw new CliError(`${file} cannot be read as a ZIP: ${error.message}`, EXIT.integrity, 'INTEGRITY_FAILED');
      });
      out().result({ file, ...check }, () => report(file, check));
      if (!check.ok) throw new CliError(`${file} does not match its manifest`, EXIT.integrity, 'INTEGRITY_FAILED');
    });
}
