import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectResource } from './object-record';

export interface DeliveryOptions {
  /** Deliveries of one event to one subscriber, the first included (default 8). */
  maxAttempts?: number;
  /** Wait before the first redelivery; doubles after each failed attempt (default 250 ms). */
  initialBackoffMs?: number;
  /** A subscriber slower than this counts as failed (default 10 s). */
  timeoutMs?: number;
}

interface FinalizedEvent {
  id: string;
  headers: Record<string, string>;
  body: string;
  description: string;
}

export interface DeliveryStats {
  /** Events published (one per finalized object with subscribers). */
  events: number;
  /** Deliveries repeated after a failure or timeout. */
  redeliveries: number;
  /** Deliveries abandoned: refused with a 4xx, or failed `maxAttempts` times. */
  gaveUp: number;
}

type Failure = { retry: boolean; reason: string } | undefined;

const EVENT_TYPE = 'google.cloud.storage.object.v1.finalized';

/**
 * Delivers `google.cloud.storage.object.v1.finalized` CloudEvents the way Eventarc does: an HTTP POST in
 * binary content mode per subscriber of the bucket, redelivered with exponential backoff (same ce-id) on
 * 5xx, 408, 429, connection errors and timeouts, until it succeeds or the attempts run out.
 */
export class FinalizedEventDelivery {
  private readonly subscribers = new Map<string, string[]>();
  private readonly stopping = new AbortController();
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly timeoutMs: number;
  private pending = 0;
  private readonly counts: DeliveryStats = { events: 0, redeliveries: 0, gaveUp: 0 };
  private idleWaiters: (() => void)[] = [];
  // Numeric like the Pub/Sub message ids Eventarc uses as ce-id.
  private lastId = Date.now() * 1000;

  constructor(options: DeliveryOptions, private readonly log: (line: string) => void) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 8);
    this.initialBackoffMs = options.initialBackoffMs ?? 250;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  addSubscriber(bucket: string, url: string): void {
    this.subscribers.set(bucket, [...(this.subscribers.get(bucket) ?? []), url]);
  }

  /** Queues the event for each subscriber of the object's bucket and returns at once. */
  publish(object: ObjectResource): void {
    const urls = this.subscribers.get(object.bucket) ?? [];
    if (urls.length === 0 || this.stopping.signal.aborted) return;
    const id = String(++this.lastId);
    this.counts.events++;
    const event: FinalizedEvent = {
      id,
      description: `${EVENT_TYPE} ${id} for gs://${object.bucket}/${object.name}#${object.generation}`,
      headers: {
        'ce-id': id,
        'ce-source': `//storage.googleapis.com/projects/_/buckets/${object.bucket}`,
        'ce-specversion': '1.0',
        'ce-type': EVENT_TYPE,
        'ce-subject': headerSafe(`objects/${object.name}`),
        'ce-time': object.updated,
        'content-type': 'application/json',
      },
      body: JSON.stringify(object),
    };
    for (const url of urls) {
      this.pending++;
      void this.deliver(url, event).finally(() => this.settle());
    }
  }

  /** Resolves once no delivery is in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** What happened to the events so far: a fault test asserts that none was given up. */
  stats(): DeliveryStats {
    return { ...this.counts };
  }

  /** Abandons pending deliveries (their retries are dropped). */
  stop(): Promise<void> {
    this.stopping.abort();
    return this.idle();
  }

  private settle(): void {
    if (--this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async deliver(url: string, event: FinalizedEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(url, event);
      if (!failure || this.stopping.signal.aborted) return;
      if (!failure.retry || attempt >= this.maxAttempts) {
        this.counts.gaveUp++;
        this.log(`gcs twin: gave up delivering ${event.description} to ${url} after ${attempt} attempt(s): ${failure.reason}`);
        return;
      }
      this.counts.redeliveries++;
      try {
        await sleep(this.initialBackoffMs * 2 ** (attempt - 1), undefined, { signal: this.stopping.signal });
      } catch {
        return; // stopped while waiting
      }
    }
  }

  private async attempt(url: string, event: FinalizedEvent): Promise<Failure> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: event.headers,
        body: event.body,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      await response.arrayBuffer(); // frees the connection for reuse
      if (response.ok) return undefined;
      const status = response.status;
      return { retry: status >= 500 || status === 408 || status === 429, reason: `HTTP ${status}` };
    } catch (err) {
      const error = err as Error & { cause?: { code?: string } };
      return { retry: true, reason: error.cause?.code ?? error.name ?? String(err) };
    }
  }
}

/**
 * CloudEvents' HTTP binding: header values percent-encode space, '"', '%' and anything outside printable
 * ASCII (object names may hold any Unicode).
 */
function headerSafe(value: string): string {
  return value.replace(/[^\x21-\x7e]|["%]/gu, (ch) => encodeURIComponent(ch));
}
