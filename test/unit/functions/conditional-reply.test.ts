import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  COMPRESS_MIN_BYTES, etagForCoding, matchesIfNoneMatch, mergeVary, negotiateCoding, parseEntityTags, prepareReply, strongEtag,
} from '../../../functions/src/http/conditional-reply';
import { defaultCacheControl } from '../../../functions/src/http/cache-policy';

const small = Buffer.from(JSON.stringify({ ok: true }));
const large = Buffer.from(JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: `recs-prod-v${i}`, status: 'blessed' })) }));

describe('conditional replies (ETag, If-None-Match, compression)', () => {
  describe('strongEtag', () => {
    it('is the quoted base64url SHA-256 of the bytes, equal for equal bytes and different otherwise', () => {
      const tag = strongEtag(small);
      assert.match(tag, /^"[A-Za-z0-9_-]{43}"$/);
      assert.equal(strongEtag(Buffer.from(small)), tag);
      assert.notEqual(strongEtag(Buffer.from(JSON.stringify({ ok: false }))), tag);
    });

    it('gives each content-coding its own strong tag', () => {
      assert.equal(etagForCoding('"abc"', 'identity'), '"abc"');
      assert.equal(etagForCoding('"abc"', 'gzip'), '"abc-gzip"');
      assert.equal(etagForCoding('"abc"', 'br'), '"abc-br"');
    });
  });

  describe('If-None-Match', () => {
    it('reads a list of strong and weak tags, keeping commas inside quotes and dropping malformed members', () => {
      assert.deepEqual(parseEntityTags('"a", W/"b",  "c,d", bare, "e'), ['"a"', 'W/"b"', '"c,d"']);
      assert.deepEqual(parseEntityTags(' * '), ['*']);
    });

    it('matches by weak comparison: W/ on either side is ignored', () => {
      assert.equal(matchesIfNoneMatch('W/"abc"', '"abc"'), true);
      assert.equal(matchesIfNoneMatch('"abc"', 'W/"abc"'), true);
      assert.equal(matchesIfNoneMatch('"x", "abc"', '"abc"'), true);
      assert.equal(matchesIfNoneMatch('"abcd"', '"abc"'), false);
      assert.equal(matchesIfNoneMatch('abc', '"abc"'), false);
      assert.equal(matchesIfNoneMatch(undefined, '"abc"'), false);
    });

    it('matches * to any current representation', () => {
      assert.equal(matchesIfNoneMatch('*', '"abc"'), true);
    });
  });

  describe('negotiateCoding', () => {
    it('takes the highest q, br before gzip when equal', () => {
      assert.equal(negotiateCoding('gzip, deflate, br, zstd'), 'br');
      assert.equal(negotiateCoding('gzip;q=1.0, br;q=0.5'), 'gzip');
      assert.equal(negotiateCoding('deflate, gzip'), 'gzip');
      assert.equal(negotiateCoding('GZIP'), 'gzip');
    });

    it('sends identity without a header, for codings it does not have, or when every coding is refused', () => {
      assert.equal(negotiateCoding(undefined), 'identity');
      assert.equal(negotiateCoding(''), 'identity');
      assert.equal(negotiateCoding('deflate, zstd'), 'identity');
      assert.equal(negotiateCoding('identity'), 'identity');
      assert.equal(negotiateCoding('br;q=0, gzip;q=0'), 'identity');
      assert.equal(negotiateCoding('*;q=0'), 'identity');
    });

    it('reads * as every coding not named', () => {
      assert.equal(negotiateCoding('*'), 'br');
      assert.equal(negotiateCoding('br;q=0, *'), 'gzip');
    });

    it('prefers a coding over identity when identity is ranked lower', () => {
      assert.equal(negotiateCoding('identity;q=0.5, gzip'), 'gzip');
      assert.equal(negotiateCoding('identity, gzip;q=0.5'), 'identity');
    });
  });

  describe('mergeVary', () => {
    it('adds fields once, case-insensitively, keeping what was there', () => {
      assert.equal(mergeVary('Origin', 'Authorization'), 'Origin, Authorization');
      assert.equal(mergeVary('origin, authorization', 'Authorization', 'Accept-Encoding'), 'origin, authorization, Accept-Encoding');
      assert.equal(mergeVary(undefined, 'Accept-Encoding'), 'Accept-Encoding');
      assert.equal(mergeVary(['Origin', 'Cookie'], 'Origin'), 'Origin, Cookie');
      assert.equal(mergeVary('*', 'Authorization'), '*');
    });
  });

  describe('prepareReply', () => {
    const get = (headers: { ifNoneMatch?: string; acceptEncoding?: string } = {}) => ({ method: 'GET', ...headers });

    it('tags a GET 200 and answers 304 without a body to the same tag, keeping the validator and Vary', () => {
      const first = prepareReply(get(), { status: 200, bytes: small, compressible: true }, 'Authorization');
      assert.equal(first.status, 200);
      assert.equal(first.headers.etag, strongEtag(small));
      assert.equal(first.body.toString(), small.toString());
      assert.equal(first.headers['content-length'], String(small.byteLength));
      const again = prepareReply(get({ ifNoneMatch: first.headers.etag }), { status: 200, bytes: small, compressible: true }, 'Authorization');
      assert.equal(again.status, 304);
      assert.equal(again.body.byteLength, 0);
      assert.equal(again.headers.etag, first.headers.etag);
      assert.equal(again.headers.vary, 'Authorization');
      assert.equal(again.headers['content-length'], undefined);
    });

    it('sends the new body when the bytes changed since the tag', () => {
      const old = strongEtag(Buffer.from('{"ok":false}'));
      const reply = prepareReply(get({ ifNoneMatch: old }), { status: 200, bytes: small, compressible: true });
      assert.equal(reply.status, 200);
      assert.notEqual(reply.headers.etag, old);
    });

    it('tags neither other statuses nor other methods, and never answers them 304', () => {
      const tag = strongEtag(small);
      const created = prepareReply(get({ ifNoneMatch: '*' }), { status: 201, bytes: small, compressible: true });
      assert.equal(created.status, 201);
      assert.equal(created.headers.etag, undefined);
      const post = prepareReply({ method: 'POST', ifNoneMatch: tag }, { status: 200, bytes: small, compressible: true });
      assert.equal(post.status, 200);
      assert.equal(post.headers.etag, undefined);
    });

    it('compresses a body over the threshold with the negotiated coding, and it decodes to the same bytes', () => {
      assert.ok(large.byteLength >= COMPRESS_MIN_BYTES);
      const gzip = prepareReply(get({ acceptEncoding: 'gzip' }), { status: 200, bytes: large, compressible: true }, 'Origin');
      assert.equal(gzip.headers['content-encoding'], 'gzip');
      assert.equal(gzip.headers.vary, 'Origin, Accept-Encoding');
      assert.equal(gzip.headers['content-length'], String(gzip.body.byteLength));
      assert.ok(gzip.body.byteLength < large.byteLength);
      assert.deepEqual(gunzipSync(gzip.body), large);
      assert.equal(gzip.headers.etag, etagForCoding(strongEtag(large), 'gzip'));
      const br = prepareReply(get({ acceptEncoding: 'br' }), { status: 200, bytes: large, compressible: true });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.deepEqual(brotliDecompressSync(br.body), large);
    });

    it('answers 304 to the tag of the coding it would send, and 200 to another coding\'s tag', () => {
      const gzipTag = prepareReply(get({ acceptEncoding: 'gzip' }), { status: 200, bytes: large, compressible: true }).headers.etag;
      assert.equal(prepareReply(get({ acceptEncoding: 'gzip', ifNoneMatch: gzipTag }), { status: 200, bytes: large, compressible: true }).status, 304);
      const identity = prepareReply(get({ ifNoneMatch: gzipTag }), { status: 200, bytes: large, compressible: true });
      assert.equal(identity.status, 200);
      assert.equal(identity.headers['content-encoding'], undefined);
      assert.equal(identity.headers.vary, 'Accept-Encoding');
    });

    it('leaves small bodies and incompressible types alone, without Vary: Accept-Encoding', () => {
      const tiny = prepareReply(get({ acceptEncoding: 'gzip, br' }), { status: 200, bytes: small, compressible: true });
      assert.equal(tiny.headers['content-encoding'], undefined);
      assert.equal(tiny.headers.vary, undefined);
      const png = prepareReply(get({ acceptEncoding: 'gzip, br' }), { status: 200, bytes: large, compressible: false });
      assert.equal(png.headers['content-encoding'], undefined);
      assert.deepEqual(png.body, large);
    });

    it('uses a given tag and encoder (precomputed for static files)', () => {
      const reply = prepareReply(get({ acceptEncoding: 'br' }), {
        status: 200, bytes: large, compressible: true, etag: '"file"', encode: (_bytes, coding) => Buffer.from(`cached ${coding}`),
      });
      assert.equal(reply.headers.etag, '"file-br"');
      assert.equal(reply.body.toString(), 'cached br');
      assert.equal(reply.headers['content-length'], String('cached br'.length));
    });
  });

  describe('defaultCacheControl', () => {
    it('never stores changes, lets any cache keep public GETs five minutes, and revalidates authenticated GETs', () => {
      assert.equal(defaultCacheControl({ method: 'POST', role: 'editor' }), 'no-store');
      assert.equal(defaultCacheControl({ method: 'DELETE', role: 'deployer' }), 'no-store');
      assert.equal(defaultCacheControl({ method: 'GET', role: 'public' }), 'public, max-age=300');
      assert.equal(defaultCacheControl({ method: 'GET', role: 'viewer' }), 'private, no-cache');
    });
  });
});
