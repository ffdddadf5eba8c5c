import { invalid } from './errors';

export interface MultipartUpload {
  metadata: Record<string, unknown>;
  mediaContentType: string | undefined;
  /** The media part's bytes, streamed: iterate it to the end to consume the whole request. */
  media: AsyncGenerator<Buffer>;
}

const METADATA_LIMIT = 1024 * 1024;

/**
 * The boundary of a `multipart/related; boundary=...` content type, if it is one. Python's apitools (gcloud,
 * gsutil) quotes it with single quotes (`boundary='===...=='`), other clients with double quotes or not at all.
 */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/related\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|'([^']+)'|([^\s;]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? match?.[3];
}

/**
 * Splits a multipart upload body (a JSON metadata part, then the media part) and streams the media with
 * constant memory. Hand-written: no streaming multipart/related parser is among the project's dependencies.
 */
export async function readMultipartRelated(body: AsyncIterable<Buffer>, boundary: string): Promise<MultipartUpload> {
  const reader = new DelimitedReader(body[Symbol.asyncIterator]());
  await reader.readUntil(Buffer.from(`--${boundary}`), METADATA_LIMIT); // the preamble, if any
  // RFC 2046 says CRLF, but Python's email generator (apitools: gcloud, gsutil) writes bare LF, which GCS
  // accepts: the first boundary line tells which one the body uses.
  const eol = (await reader.startsWith(Buffer.from('\r\n'))) ? '\r\n' : '\n';
  const delimiter = Buffer.from(`${eol}--${boundary}`);
  const headerEnd = Buffer.from(`${eol}${eol}`);

  await reader.readUntil(headerEnd, METADATA_LIMIT);
  const metadataText = (await reader.readUntil(delimiter, METADATA_LIMIT)).toString('utf8');
  const mediaHeaders = parseHeaders(await reader.readUntil(headerEnd, METADATA_LIMIT));

  let metadata: unknown;
  try {
    metadata = metadataText.trim() === '' ? {} : JSON.parse(metadataText);
  } catch {
    throw invalid('Metadata part is not valid JSON.');
  }
  if (!metadata || typeof metadata !== 'object') throw invalid('Metadata part must be a JSON object.');

  async function* media(): AsyncGenerator<Buffer> {
    yield* reader.streamUntil(delimiter);
    await reader.drain(); // the closing "--" and any epilogue
  }
  return { metadata: metadata as Record<string, unknown>, mediaContentType: mediaHeaders['content-type'], media: media() };
}

function parseHeaders(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Reads a byte stream up to delimiters, keeping only what is needed to recognise one split across chunks. */
class DelimitedReader {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** The bytes before the next delimiter (which is consumed); for small parts only. */
  async readUntil(delimiter: Buffer, limit: number): Promise<Buffer> {
    for (;;) {
      const at = this.buffered.indexOf(delimiter);
      if (at >= 0) {
        const before = this.buffered.subarray(0, at);
        this.buffered = this.buffered.subarray(at + delimiter.length);
        return before;
      }
      if (this.buffered.length > limit) throw invalid('Multipart part too large or boundary missing.');
      if (!(await this.fill())) throw invalid('Multipart body ended early.');
    }
  }

  /** Yields the bytes before the next delimiter (which is consumed) as they arrive. */
  async *streamUntil(delimiter: Buffer): AsyncGenerator<Buffer> {
    const keep = delimiter.length - 1; // a delimiter may start in the held-back tail
    for (;;) {
      const at = this.buffered.indexOf(delimiter);
      if (at >= 0) {
        if (at > 0) yield this.buffered.subarray(0, at);
        this.buffered = this.buffered.subarray(at + delimiter.length);
        return;
      }
      if (this.buffered.length > keep) {
        const cut = this.buffered.length - keep;
        yield this.buffered.subarray(0, cut);
        this.buffered = this.buffered.subarray(cut);
      }
      if (!(await this.fill())) throw invalid('Multipart body ended before its closing boundary.');
    }
  }

  /** Whether the unread bytes start with `prefix` (nothing is consumed). */
  async startsWith(prefix: Buffer): Promise<boolean> {
    while (this.buffered.length < prefix.length && (await this.fill()));
    return this.buffered.subarray(0, prefix.length).equals(prefix);
  }

  async drain(): Promise<void> {
    while (await this.fill()) this.buffered = Buffer.alloc(0);
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffered = this.buffered.length === 0 ? next.value : Buffer.concat([this.buffered, next.value]);
    return true;
  }
}
