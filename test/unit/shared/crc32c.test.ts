import assert from 'node:assert/strict';
import { crc32c } from '../../../shared/domain/crc32c';

describe('crc32c: the Castagnoli checksum Cloud KMS uses', () => {
  const cases: Array<[string, Uint8Array | string, number]> = [
    ['the standard check value of "123456789"', '123456789', 0xe3069283],
    ['nothing', '', 0],
    ['32 zero bytes (RFC 3720 B.4)', new Uint8Array(32), 0x8a9136aa],
    ['32 bytes of 0xff (RFC 3720 B.4)', new Uint8Array(32).fill(0xff), 0x62a8ab43],
  ];
  for (const [what, input, expected] of cases) {
    it(`gives 0x${expected.toString(16)} for ${what}`, () => assert.equal(crc32c(input), expected));
  }

  it('changes when one bit of the input changes', () => {
    const bytes = Buffer.from('model signing bundle');
    const flipped = Buffer.from(bytes);
    flipped[3]! ^= 1;
    assert.notEqual(crc32c(bytes), crc32c(flipped));
  });
});
