/**
 * CRC32C (Castagnoli), the checksum Cloud KMS puts beside every request and response field so that
 * a byte corrupted on the wire is caught (`digest_crc32c`, `signature_crc32c`, `pem_crc32c`).
 * Node's zlib has only the other CRC-32 polynomial.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC32C of the bytes, as the unsigned 32-bit number KMS sends in an Int64Value. */
export function crc32c(bytes: Uint8Array | string): number {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  let crc = 0xffffffff;
  for (const byte of data) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
