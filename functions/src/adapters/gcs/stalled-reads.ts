import type { Readable } from 'node:stream';

/** Long enough for a slow network, short against the 9-minute limit of a function. */
export const DEFAULT_STALL_MS = 60_000;

/**
 * Yields a download's chunks, and fails it when no byte arrives for `stallMs`: the storage client
 * never reports a connection reset in the middle of a body (the stream just stops), which would
 * hold a registration or a ZIP download until the function times out.
 */
export async function* unlessStalled(stream: Readable, stallMs: number, what: string): AsyncIterable<Uint8Array> {
  const timer = setTimeout(() => stream.destroy(new StalledReadError(`${what}: no bytes for ${stallMs} ms (connection lost?)`)), stallMs);
  try {
    for await (const chunk of stream) {
      timer.refresh();
      yield chunk as Uint8Array;
      timer.refresh(); // time spent by the consumer is not the network's
    }
  } finally {
    clearTimeout(timer);
  }
}

export class StalledReadError extends Error {
  override readonly name = 'StalledReadError';
}
