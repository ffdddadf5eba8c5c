import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { RegistryEvent } from '../../../../shared/domain/registry-events';
import { UpstreamUnavailableError } from '../../../../shared/register-ports';
import type { EventPublisher } from '../../../../shared/registry-ports';

export interface PubSubOptions {
  projectId: string;
  /** `host:port` of an emulator; otherwise PUBSUB_EMULATOR_HOST or Google's endpoint (the client decides). */
  apiEndpoint?: string | null;
}

export type PubSubProvider = () => Promise<PubSub>;

/** The client module and instance are created on first use (the promise is cached). */
export function lazyPubSub(options: PubSubOptions): PubSubProvider {
  let client: Promise<PubSub> | undefined;
  return () =>
    (client ??= import('@google-cloud/pubsub').then(({ PubSub }) => new PubSub({
      projectId: options.projectId,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    })));
}

export interface PublisherSettings {
  /** `registry-events`, or `projects/<p>/topics/<t>` for a topic of another project. */
  topic: string;
  /** A publish that has not succeeded by then fails (the event stays in the outbox for the next drain). */
  publishTimeoutMs: number;
}

/**
 * Publishes registry events as CloudEvents in structured mode (the whole event is the message
 * body, `content-type: application/cloudevents+json`); `ce-type` is repeated as an attribute so
 * that subscriptions can filter on it.
 */
export class PubSubEventPublisher implements EventPublisher {
  private topic: Promise<Topic> | undefined;

  constructor(private readonly pubsub: PubSubProvider, private readonly settings: PublisherSettings) {}

  async publish(event: RegistryEvent): Promise<string> {
    this.topic ??= this.pubsub().then((client) => client.topic(this.settings.topic, {
      gaxOpts: { timeout: this.settings.publishTimeoutMs },
      // Each publish is awaited by the outbox drain: batching would only add latency.
      batching: { maxMessages: 1 },
    }));
    try {
      return await (await this.topic).publishMessage({
        data: Buffer.from(JSON.stringify(event)),
        attributes: { 'content-type': 'application/cloudevents+json', 'ce-type': event.type, 'ce-id': event.id },
      });
    } catch (error) {
      throw new UpstreamUnavailableError('Pub/Sub', error instanceof Error ? error.message : String(error));
    }
  }
}
