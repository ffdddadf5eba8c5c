import type { Server } from 'node:http';
import type { StorageOptions } from '@google-cloud/storage';
import { freePort } from '../../lib/free-port';
import { FaultSwitch, type FaultSettings } from './faults';
import { FinalizedEventDelivery, type DeliveryOptions, type DeliveryStats } from './finalized-events';
import { createTwinServer } from './server';
import { ObjectStore } from './store';

export type { DeliveryOptions, DeliveryStats } from './finalized-events';
export type { FaultSettings } from './faults';

export interface GcsTwinOptions {
  port?: number;
  /** Objects, their metadata and buckets live here and survive restarts. */
  dataDir: string;
  /** Buckets created at start if missing (more can be created with the client's createBucket). */
  buckets?: string[];
  /** Receivers of `google.cloud.storage.object.v1.finalized` CloudEvents, per bucket. */
  subscribers?: { bucket: string; url: string }[];
  /** Finalize-event redelivery; the defaults are Eventarc's (10 s → 600 s backoff for 24 h, 60 s attempts). */
  delivery?: DeliveryOptions;
  /** Where given-up deliveries and unexpected errors are reported (default: console.warn). */
  log?: (line: string) => void;
}

export interface GcsFaults {
  /** Replaces the current fault setting. */
  set(settings: FaultSettings): void;
  clear(): void;
  /** The counted faults not fired yet. */
  remaining(): Required<FaultSettings>;
}

export interface GcsTwin {
  /** http://127.0.0.1:port: the client's apiEndpoint. */
  readonly url: string;
  readonly port: number;
  readonly faults: GcsFaults;
  /** Resolves once no CloudEvent delivery is in flight, waiting to be retried or held by a reordering fault. */
  idle(): Promise<void>;
  /** Resolves once no delivery attempt is in flight (retries may wait: with Eventarc's backoff, for minutes). */
  noAttemptInFlight(): Promise<void>;
  /** Counts of CloudEvents published, delivery attempts, redeliveries and deliveries given up. */
  deliveries(): DeliveryStats;
  addSubscriber(bucket: string, url: string): void;
  stop(): Promise<void>;
}

/** Starts a local Cloud Storage (JSON API) twin for the unmodified @google-cloud/storage client. */
export async function startGcsTwin(opts: GcsTwinOptions): Promise<GcsTwin> {
  const store = await ObjectStore.open(opts.dataDir);
  for (const bucket of opts.buckets ?? []) await store.ensureBucket(bucket);
  const log = opts.log ?? ((line: string) => console.warn(line));
  const faults = new FaultSwitch();
  const events = new FinalizedEventDelivery(opts.delivery ?? {}, log, faults);
  // Replacing the setting ends a reordering that is still collecting events: they go out now.
  faults.onChange(() => events.releaseHeld());
  for (const { bucket, url } of opts.subscribers ?? []) events.addSubscriber(bucket, url);
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const server = createTwinServer({ store, events, faults, baseUrl: url, log });
  await listen(server, port);
  return {
    url,
    port,
    faults,
    idle: () => events.idle(),
    noAttemptInFlight: () => events.noAttemptInFlight(),
    deliveries: () => events.stats(),
    addSubscriber: (bucket, subscriberUrl) => events.addSubscriber(bucket, subscriberUrl),
    async stop() {
      await events.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Client options for talking to the twin. A custom `apiEndpoint` is all the client needs: with one, v7 sends
 * no credentials (unless `useAuthWithCustomEndpoint: true`), for JSON API calls and resumable uploads alike,
 * so no key file or metadata server is involved. (STORAGE_EMULATOR_HOST is not needed and best left unset:
 * it changes the JSON API base path.) The project id only matters to createBucket/getBuckets.
 */
export function storageClientOptions(twinUrl: string, projectId = 'demo-registry'): StorageOptions {
  return { apiEndpoint: twinUrl, projectId };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
