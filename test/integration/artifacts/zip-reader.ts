import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  /** DOS date and time fields, as stored. */
  dosDate: number;
  dosTime: number;
  externalAttributes: number;
  data: Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Reads a ZIP through its central directory (what unzip tools trust), checking each entry's CRC-32.
 * Throws on anything that is not a complete archive: a cut-short download has no end record.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('no end of central directory record: not a complete ZIP');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const entry = {
      dosTime: zip.readUInt16LE(at + 12), dosDate: zip.readUInt16LE(at + 14), crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20), nameLength: zip.readUInt16LE(at + 28), extraLength: zip.readUInt16LE(at + 30),
      commentLength: zip.readUInt16LE(at + 32), externalAttributes: zip.readUInt32LE(at + 38), localOffset: zip.readUInt32LE(at + 42),
    };
    const name = zip.toString('utf8', at + 46, at + 46 + entry.nameLength);
    const local = entry.localOffset;
    if (zip.readUInt32LE(local) !== LOCAL) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + entry.compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    if (crc32(data) !== entry.crc) throw new Error(`CRC-32 mismatch for ${name}`);
    entries.push({ name, method, dosDate: entry.dosDate, dosTime: entry.dosTime, externalAttributes: entry.externalAttributes, data });
    at += 46 + entry.nameLength + entry.extraLength + entry.commentLength;
  }
  return entries;
}
