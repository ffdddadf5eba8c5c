import { createWriteStream, readFileSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { CliError, EXIT, call, openSession, type Session } from '../session';
import { loadConfig } from '../config';
import { cacheKeys, checkSignature, pemBlocks, readCachedKeys, type SignatureCheck } from '../signature-check';
import { keyValues, type Output } from '../output';
import { byteProgress } from '../progress';
import { checkZipFile, type ZipCheck } from '../zip-check';
import { checkAuditTrail } from '../audit-check';

interface Verified extends Omit<ZipCheck, 'signatureText' | 'entries'> {
  signature: SignatureCheck;
}

function report(file: string, check: Verified): string {
  const { signature } = check;
  const signed = signature.signed && signature.ok
    ? `OK, key ${signature.keyHint?.slice(0, 16)}…, ${signature.signedFiles} files${signature.lineage ? `, run ${signature.lineage.trainingRunId ?? 'none'}, blessed ${String(signature.lineage.blessed)}` : ''}`
    : signature.signed ? 'FAILED' : 'none (unsigned)';
  return keyValues([
    ['file', file], ['version', check.versionId], ['manifest', check.manifestDigest],
    ['verified', `${check.verifiedFiles} files`], ['signature', signed],
    ['result', check.ok ? 'OK' : `FAILED\n  ${check.problems.join('\n  ')}`],
  ]);
}

/** The registry's signing keys (every key version that signed), cached for offline `verify`. */
async function fetchKeys(session: Session): Promise<string[]> {
  const text = await call(session.client.GET('/api/signing-key', { parseAs: 'text' })) as unknown as string;
  cacheKeys(text);
  return pemBlocks(text);
}

/** The manifest check, then the signature (model.sig) against the keys; a missing model.sig fails unless allowed. */
function verifyArchive(check: ZipCheck, pems: readonly string[], allowUnsigned: boolean): Verified {
  const { signatureText, entries, ...rest } = check;
  const signature = checkSignature(signatureText, entries, check.manifestDigest, pems);
  const tolerated = !signature.signed && allowUnsigned;
  const problems = [...rest.problems, ...(tolerated ? [] : signature.problems)];
  return { ...rest, ok: rest.ok && (signature.ok || tolerated), problems, signature };
}

/** `download` (the version ZIP, optionally verified) and `verify` (a ZIP already on disk). */
export function downloadCommands(program: Command, out: () => Output): void {
  program.command('download').description('download a version as a ZIP').argument('<version>')
    .option('-o, --output <file>', 'where to write it (default: the name the registry suggests)')
    .option('--verify', "check every file against the manifest and the signature (model.sig), and the manifest against the registry's")
    .option('--allow-unsigned', 'with --verify: accept a ZIP without model.sig (a version not signed yet)')
    .action(async (ref: string, o: { output?: string; verify?: boolean; allowUnsigned?: boolean }) => {
      const session = openSession();
      const { client } = session;
      const answer = await client.GET('/api/models/{id}/download', { params: { path: { id: ref } }, parseAs: 'stream' });
      // openapi-fetch reads an error answer as JSON whatever `parseAs` says.
      if (!answer.response.ok || !answer.data) await call(Promise.resolve(answer));
      const suggested = /filename="([^"]+)"/.exec(answer.response.headers.get('content-disposition') ?? '')?.[1];
      const file = o.output ?? suggested ?? `${ref.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`;
      const bar = byteProgress('downloading', null, !out().json);
      const count = new Transform({ transform(chunk: Buffer, _e, done) { bar.add(chunk.length); done(null, chunk); } });
      await pipeline(Readable.fromWeb(answer.data as never), count, createWriteStream(file));
      bar.stop();
      // Keeps the keys for a later offline `verify` even when this download is not verified.
      const pems = await fetchKeys(session);
      if (!o.verify) {
        out().result({ file }, () => `saved ${file}`);
        return;
      }
      const check = verifyArchive(await checkZipFile(file), pems, o.allowUnsigned ?? false);
      const id = check.versionId ?? ref;
      const registered = await call(client.GET('/api/models/{id}/manifest', { params: { path: { id } } }));
      if (registered.manifestDigest !== check.manifestDigest) {
        check.problems.push(`the ZIP's manifest ${check.manifestDigest} is not the registered ${registered.manifestDigest}`);
        check.ok = false;
      }
      out().result({ file, ...check }, () => report(file, check));
      if (!check.ok) throw new CliError(`${file} does not match version ${id}`, EXIT.integrity, 'INTEGRITY_FAILED');
    });

  program.command('verify').description("check a version ZIP offline: every file against manifest.json and the signed statement in model.sig; or, with --audit, the registry's audit chain").argument('[file.zip]')
    .option('--key <file.pem>', "the registry's public key(s) (PEM; default: those cached by `download`, else GET /api/signing-key)")
    .option('--allow-unsigned', 'accept a ZIP without model.sig (a version not signed yet)')
    .option('--audit', 'read the audit chain through the API (logged in) and check every record, link and signed checkpoint')
    .action(async (file: string | undefined, o: { key?: string; allowUnsigned?: boolean; audit?: boolean }) => {
      if (o.audit) {
        const check = await checkAuditTrail(openSession(), o.key ? pemBlocks(readFileSync(o.key, 'utf8')) : null);
        out().result(check, () => keyValues([
          ['records', check.records], ['head', check.head ? `${check.head.seq} ${check.head.hash}` : 'none'],
          ['checkpoints', `${check.checkpointsVerified} verified${check.lastCheckpoint ? `, last at record ${check.lastCheckpoint.seq} (${check.lastCheckpoint.at})` : ''}`],
          ['result', check.ok ? 'OK' : `FAILED\n  ${check.problems.join('\n  ')}`],
        ]));
        if (!check.ok) throw new CliError(`the audit chain does not verify: ${check.problems[0]}`, EXIT.integrity, 'INTEGRITY_FAILED');
        return;
      }
      if (!file) throw new CliError('verify needs a ZIP file (or --audit)', EXIT.usage, 'VALIDATION_FAILED');
      const zip = await checkZipFile(file).catch((error: Error) => {
        throw new CliError(`${file} cannot be read as a ZIP: ${error.message}`, EXIT.integrity, 'INTEGRITY_FAILED');
      });
      const pems = o.key ? pemBlocks(readFileSync(o.key, 'utf8')) : await keysForVerify();
      const check = verifyArchive(zip, pems, o.allowUnsigned ?? false);
      out().result({ file, ...check }, () => report(file, check));
      if (!check.ok) throw new CliError(`${file} does not match its manifest and signature`, EXIT.integrity, 'INTEGRITY_FAILED');
    });
}

/** Cached keys; without any, the registry's when logged in (no key at all is reported by the check). */
async function keysForVerify(): Promise<string[]> {
  const cached = readCachedKeys();
  if (cached.length) return cached;
  const config = loadConfig();
  return config ? fetchKeys(openSession(config)) : [];
}
