import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { CRC32C } from '@google-cloud/storage';

export interface ContentDigest {
  size: string;
  md5Hash: string;
  crc32c: string;
}

/** Running size, MD5 and CRC32C of the bytes stored so far (a resumable upload keeps one across its requests). */
export class ContentHashes {
  private readonly md5 = createHash('md5');
  private readonly crc = new CRC32C();
  private bytes = 0;

  get size(): number {
    return this.bytes;
  }

  update(chunk: Buffer): void {
    this.md5.update(chunk);
    this.crc.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): ContentDigest {
    // copy(): the running hash stays usable, e.g. for a status query after the final chunk.
    return { size: String(this.bytes), md5Hash: this.md5.copy().digest('base64'), crc32c: this.crc.toString() };
  }
}

/**
 * Appends a byte stream to a file, hashing exactly what reached the disk, so a request cut off halfway
 * leaves the file and the hashes in step. `skip` drops leading bytes the file already has (a resent chunk).
 */
export async function appendHashed(source: AsyncIterable<Buffer>, path: string, hashes: ContentHashes, skip = 0): Promise<void> {
  const file = await open(path, 'a');
  try {
    for await (const received of source) {
      let chunk = received;
      if (skip > 0) {
        const dropped = Math.min(skip, chunk.length);
        chunk = chunk.subarray(dropped);
        skip -= dropped;
      }
      if (chunk.length === 0) continue;
      await writeFully(file, chunk);
      hashes.update(chunk);
    }
  } finally {
    await file.close();
  }
}

async function writeFully(file: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) offset += (await file.write(chunk, offset)).bytesWritten;
}

/** Checks an `X-Goog-Hash: crc32c=...,md5=...` header (sent with a final resumable chunk) against the stored bytes. */
export function goodHashHeader(header: string | undefined, digest: ContentDigest): boolean {
  if (!header) return true;
  for (const pair of header.split(',')) {
    const at = pair.indexOf('=');
    const [kind, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    if (kind === 'crc32c' && value !== digest.crc32c) return false;
    if (kind === 'md5' && value !== digest.md5Hash) return false;
  }
  return true;
}
