import type { Clock } from '../../../shared/ports';
import type { EventFlusher, EventPublisher, OutboxStore } from '../../../shared/registry-ports';
import type { Logger } from '../log';

export interface DrainSettings {
  /** Events taken per drain. */
  batchSize: number;
  /** How long a claimed event is left to its drain before another may publish it. */
  claimMs: number;
  /** Backoff after a failed publish: base · 2^(attempts-1), at most max. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /**
   * How long a request waits for its own events to publish before answering: during a Pub/Sub
   * outage, answers stay fast and the drain publishes later (a publish still running may then be
   * repeated: consumers de-duplicate by id).
   */
  flushBudgetMs: number;
}

export const DEFAULT_DRAIN_SETTINGS: DrainSettings = {
  batchSize: 100, claimMs: 60_000, backoffBaseMs: 5_000, backoffMaxMs: 10 * 60_000, flushBudgetMs: 2_000,
};

export interface DrainReport {
  published: number;
  failed: number;
}

/**
 * Publishes outbox events (the transactional outbox): each event was committed with the change it
 * announces; here it is claimed, published, and marked sent. A failed publish leaves it pending
 * with a later `nextAttemptAt`, so the next drain retries it; nothing is dropped. Pub/Sub may
 * still deliver an event twice (a publish that succeeded but was not marked): consumers
 * de-duplicate by the event id.
 */
export class OutboxDrainer implements EventFlusher {
  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: DrainSettings = DEFAULT_DRAIN_SETTINGS,
  ) {}

  /** Publishes every due event (one batch). */
  async drain(): Promise<DrainReport> {
    const ids = await this.store.due(this.clock.now(), this.settings.batchSize);
    const outcomes = await Promise.all(ids.map((id) => this.publishOne(id)));
    return {
      published: outcomes.filter((o) => o === 'published').length,
      failed: outcomes.filter((o) => o === 'failed').length,
    };
  }

  /** Right after a commit: publishes these events now; whatever fails waits for the next drain. */
  async flush(eventIds: readonly string[]): Promise<void> {
    const publishing = Promise.all(eventIds.map((id) => this.publishOne(id).catch((error) => {
      this.log.warn('outbox: flush failed, left to the next drain', { eventId: id, error });
    })));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.settings.flushBudgetMs); });
    try {
      await Promise.race([publishing, budget]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async publishOne(id: string): Promise<'published' | 'failed' | 'skipped'> {
    const claimed = await this.store.claim(id, this.clock.now(), this.settings.claimMs);
    if (!claimed) return 'skipped';
    let messageId: string;
    try {
      messageId = await this.publisher.publish(claimed.event);
    } catch (error) {
      const delay = Math.min(this.settings.backoffMaxMs, this.settings.backoffBaseMs * 2 ** (claimed.attempts - 1));
      const message = error instanceof Error ? error.message : String(error);
      await this.store.markFailed(id, message, new Date(this.clock.now().getTime() + delay));
      this.log.warn('outbox: publish failed, will retry', { eventId: id, type: claimed.event.type, attempts: claimed.attempts, retryInMs: delay, error: message });
      return 'failed';
    }
    await this.store.markSent(id, messageId, this.clock.now());
    return 'published';
  }
}
