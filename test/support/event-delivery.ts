import type { DeliveryOptions } from '../../dev/twins/gcs';

/**
 * Finalize-event redelivery at a test's pace: Eventarc's schedule (doubling backoff, capped, until
 * the retention window closes) with milliseconds for its seconds. The twin's defaults are Eventarc's
 * own (10 s → 600 s for 24 h); a test that may see a redelivery passes this explicitly, to the GCS
 * twin (`delivery`) or to the local stack (`eventDelivery`).
 */
export const QUICK_REDELIVERY: DeliveryOptions = { minBackoffMs: 50, maxBackoffMs: 2_000, retentionMs: 120_000 };
