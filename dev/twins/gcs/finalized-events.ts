import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectResource } from './object-record';
import { EVENTARC_RETRY_POLICY, nextAttemptDelayMs, validRetryPolicy, type RetryPolicy } from './retry-policy';

/**
 * How finalize events are delivered. The defaults are Eventarc's (RETRY_POLICY_RETRY): tests
 * shorten them explicitly (test/support/event-delivery.ts), nothing else does.
 */
export interface DeliveryOptions {
  /** Wait after the first failed attempt, doubling after each further one (default 10 s). */
  minBackoffMs?: number;
  /** The longest wait between attempts (default 600 s). */
  maxBackoffMs?: number;
  /** An event is no longer delivered this long after it was published (default 24 h). */
  retentionMs?: number;
  /**
   * An attempt not answered by then counts as failed: the subscriber's timeout, which the push
   * subscription's ack deadline follows (default 60 s, Cloud Functions gen2's default timeout).
   * No retry of the event starts before the attempt in flight was answered or cut off at it.
   */
  attemptTimeoutMs?: number;
}

/** The delivery faults of the twin's fault switch (see faults.ts). */
export interface DeliveryFaults {
  takeDuplicateDelivery(): boolean;
  takeReorderedDelivery(): boolean;
  readonly reorderComplete: boolean;
  takeLateDelivery(): number;
}

interface FinalizedEvent {
  id: string;
  headers: Record<string, string>;
  body: string;
  description: string;
  /** Date.now() when it was published (for a late delivery, as long before as it is late). */
  publishedAt: number;
}

export interface DeliveryStats {
  /** Events published (one per finalized object with subscribers). */
  events: number;
  /** HTTP deliveries made, the first ones, duplicates and retries included. */
  attempts: number;
  /** Deliveries repeated after a failure or timeout. */
  redeliveries: number;
  /** Deliveries abandoned: refused with a 4xx, or still failing when the retention window closed. */
  gaveUp: number;
}

type Failure = { retry: boolean; reason: string } | undefined;

const EVENT_TYPE = 'google.cloud.storage.object.v1.finalized';
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 60_000;

const NO_FAULTS: DeliveryFaults = { takeDuplicateDelivery: () => false, takeReorderedDelivery: () => false, reorderComplete: true, takeLateDelivery: () => 0 };

/**
 * Delivers `google.cloud.storage.object.v1.finalized` CloudEvents the way an Eventarc trigger with
 * RETRY_POLICY_RETRY does: an HTTP POST in binary content mode per subscriber of the bucket,
 * redelivered (same ce-id) on 5xx, 408, 429, connection errors and timeouts with exponential
 * backoff (retry-policy.ts) until it succeeds or the retention window closes. One event's attempts
 * to one subscriber never overlap: the next starts after the previous was answered or timed out.
 */
export class FinalizedEventDelivery {
  private readonly subscribers = new Map<string, string[]>();
  private readonly stopping = new AbortController();
  private readonly policy: RetryPolicy;
  private readonly attemptTimeoutMs: number;
  /** Deliveries not finished (in flight, waiting for a retry, or held for a reordering). */
  private readonly pending = new Gauge();
  private readonly inFlight = new Gauge();
  private held: { event: FinalizedEvent; copies: number; urls: string[] }[] = [];
  private readonly counts: DeliveryStats = { events: 0, attempts: 0, redeliveries: 0, gaveUp: 0 };
  // Numeric like the Pub/Sub message ids Eventarc uses as ce-id.
  private lastId = Date.now() * 1000;

  constructor(
    options: DeliveryOptions,
    private readonly log: (line: string) => void,
    private readonly faults: DeliveryFaults = NO_FAULTS,
  ) {
    this.policy = validRetryPolicy({
      minBackoffMs: options.minBackoffMs ?? EVENTARC_RETRY_POLICY.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? EVENTARC_RETRY_POLICY.maxBackoffMs,
      retentionMs: options.retentionMs ?? EVENTARC_RETRY_POLICY.retentionMs,
    });
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    if (!(this.attemptTimeoutMs > 0)) throw new RangeError(`attemptTimeoutMs must be positive, got ${this.attemptTimeoutMs}`);
  }

  addSubscriber(bucket: string, url: string): void {
    this.subscribers.set(bucket, [...(this.subscribers.get(bucket) ?? []), url]);
  }

  /** Queues the event for each subscriber of the object's bucket and returns at once. */
  publish(object: ObjectResource): void {
    const urls = this.subscribers.get(object.bucket) ?? [];
    if (urls.length === 0 || this.stopping.signal.aborted) return;
    this.counts.events++;
    const event = this.eventOf(object, this.faults.takeLateDelivery());
    const copies = this.faults.takeDuplicateDelivery() ? 2 : 1;
    if (this.faults.takeReorderedDelivery()) {
      this.pending.up();
      this.held.push({ event, copies, urls });
      if (this.faults.reorderComplete) this.releaseHeld();
      return;
    }
    void this.dispatch(event, copies, urls);
  }

  /** Delivers the events held for a reordering, newest first (the fault switch calls it when replaced). */
  releaseHeld(): void {
    const held = this.held.reverse();
    this.held = [];
    void (async () => {
      for (const { event, copies, urls } of held) {
        if (!this.stopping.signal.aborted) await this.dispatch(event, copies, urls);
        this.pending.down();
      }
    })();
  }

  /** Resolves once no delivery is in flight, waiting for a retry or held. */
  idle(): Promise<void> {
    return this.pending.zero();
  }

  /** Resolves once no attempt is in flight (retries may still be waiting: what a stop needs). */
  noAttemptInFlight(): Promise<void> {
    return this.inFlight.zero();
  }

  /** What happened to the events so far: a fault test asserts that none was given up. */
  stats(): DeliveryStats {
    return { ...this.counts };
  }

  /** Abandons pending deliveries: held events and waiting retries are dropped, attempts in flight cut off. */
  stop(): Promise<void> {
    this.stopping.abort();
    for (const _ of this.held.splice(0)) this.pending.down();
    return this.idle();
  }

  private eventOf(object: ObjectResource, lateByMs: number): FinalizedEvent {
    const id = String(++this.lastId);
    const shift = (time: string) => new Date(Date.parse(time) - lateByMs).toISOString();
    const resource = lateByMs ? { ...object, timeCreated: shift(object.timeCreated), updated: shift(object.updated) } : object;
    return {
      id,
      publishedAt: Date.now() - lateByMs,
      description: `${EVENT_TYPE} ${id} for gs://${object.bucket}/${object.name}#${object.generation}`,
      headers: {
        'ce-id': id,
        'ce-source': `//storage.googleapis.com/projects/_/buckets/${object.bucket}`,
        'ce-specversion': '1.0',
        'ce-type': EVENT_TYPE,
        'ce-subject': headerSafe(`objects/${object.name}`),
        'ce-time': resource.updated,
        'content-type': 'application/json',
      },
      body: JSON.stringify(resource),
    };
  }

  /** Starts every delivery of the event; resolves once each one's first attempt is answered. */
  private dispatch(event: FinalizedEvent, copies: number, urls: string[]): Promise<void> {
    const firstAttempts: Promise<void>[] = [];
    for (const url of urls) {
      for (let copy = 0; copy < copies; copy++) {
        this.pending.up();
        let answered!: () => void;
        firstAttempts.push(new Promise<void>((resolve) => { answered = resolve; }));
        void this.deliver(url, event, answered).finally(() => { answered(); this.pending.down(); });
      }
    }
    return Promise.all(firstAttempts).then(() => undefined);
  }

  private async deliver(url: string, event: FinalizedEvent, firstAnswered: () => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(url, event);
      firstAnswered();
      if (!failure || this.stopping.signal.aborted) return;
      const delay = failure.retry ? nextAttemptDelayMs(attempt, Date.now() - event.publishedAt, this.policy) : null;
      if (delay === null) {
        this.counts.gaveUp++;
        const why = failure.retry ? 'the retention window closes before the next attempt' : 'refused';
        this.log(`gcs twin: gave up delivering ${event.description} to ${url} after ${attempt} attempt(s) (${why}): ${failure.reason}`);
        return;
      }
      this.counts.redeliveries++;
      try {
        await sleep(delay, undefined, { signal: this.stopping.signal });
      } catch {
        return; // stopped while waiting
      }
    }
  }

  private async attempt(url: string, event: FinalizedEvent): Promise<Failure> {
    this.counts.attempts++;
    this.inFlight.up();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: event.headers,
        body: event.body,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.attemptTimeoutMs)]),
      });
      await response.arrayBuffer(); // frees the connection for reuse
      if (response.ok) return undefined;
      const status = response.status;
      return { retry: status >= 500 || status === 408 || status === 429, reason: `HTTP ${status}` };
    } catch (err) {
      const error = err as Error & { cause?: { code?: string } };
      return { retry: true, reason: error.cause?.code ?? error.name ?? String(err) };
    } finally {
      this.inFlight.down();
    }
  }
}

/** A count with waiters for it to reach zero. */
class Gauge {
  private value = 0;
  private waiters: (() => void)[] = [];

  up(): void {
    this.value++;
  }

  down(): void {
    if (--this.value > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  zero(): Promise<void> {
    if (this.value === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * CloudEvents' HTTP binding: header values percent-encode space, '"', '%' and anything outside printable
 * ASCII (object names may hold any Unicode).
 */
function headerSafe(value: string): string {
  return value.replace(/[^\x21-\x7e]|["%]/gu, (ch) => encodeURIComponent(ch));
}
