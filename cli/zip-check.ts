import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ARCHIVE_MANIFEST_PATH, ARCHIVE_SIGNATURE_PATH } from '../shared/domain/archive-manifest';
import { checkArchive, type ArchiveCheck, type ArchivedEntry } from '../shared/domain/archive-check';

const open = promisify<string, yauzl.Options, ZipFile>(yauzl.open);

export interface ZipCheck extends ArchiveCheck {
  /** model.sig, when the archive has one. */
  signatureText: string | null;
  entries: ArchivedEntry[];
}

/** Reads a version ZIP once, hashing every entry as it streams, and checks it against its manifest. */
export async function checkZipFile(path: string): Promise<ZipCheck> {
  const zip = await open(path, { lazyEntries: true, autoClose: true });
  const entries: ArchivedEntry[] = [];
  let manifestText: string | null = null;
  let signatureText: string | null = null;
  const kept = new Set([ARCHIVE_MANIFEST_PATH, ARCHIVE_SIGNATURE_PATH]);
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error);
        const hash = createHash('sha256');
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
          if (kept.has(entry.fileName)) chunks.push(chunk);
        });
        stream.on('error', reject);
        stream.on('end', () => {
          if (entry.fileName === ARCHIVE_MANIFEST_PATH) manifestText = Buffer.concat(chunks).toString('utf8');
          if (entry.fileName === ARCHIVE_SIGNATURE_PATH) signatureText = Buffer.concat(chunks).toString('utf8');
          entries.push({ name: entry.fileName, size, sha256: hash.digest('hex') });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  const check = checkArchive(manifestText, entries, (text) => createHash('sha256').update(text, 'utf8').digest('hex'));
  return { ...check, signatureText, entries };
}
