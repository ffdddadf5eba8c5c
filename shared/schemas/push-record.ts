import { z } from 'zod';
import { IsoDateTime } from './common';

/**
 * Why a push was refused for good. Such pushes are acknowledged (Eventarc does not redeliver them)
 * and their record says why, so that a pipeline owner can fix the push instead of waiting.
 */
export const PUSH_FAILURE_CODES = [
  'BAD_LAYOUT', // under `<run>/pushed_model/` but not `<run>/pushed_model/<n>/<file>` (seed 000, bug #3)
  'TOO_MANY_FILES', // more files than a version may hold: listing is bounded
  'EMPTY_PUSH', // the event's directory holds no file any more
  'UNKNOWN_FAMILY', // no training run document and no `family` in metrics.json
  'INVALID_INDEX', // a Hugging Face `*.index.json` that is too large or not JSON
  'EVENT_EXPIRED', // the last attempt of an event older than MAX_EVENT_AGE_SECONDS failed: no more retries
] as const;
export const PushFailureCode = z.enum(PUSH_FAILURE_CODES);
export type PushFailureCode = z.infer<typeof PushFailureCode>;

/** `pushes/{id}`: one per pushed versioned directory; the idempotency key of registration. */
export const PushRecord = z.object({
  id: z.string(),
  bucket: z.string(),
  /** `<run_id>/pushed_model/<n>`, or null when the object name did not follow the layout. */
  prefix: z.string().nullable(),
  /** The object whose finalize event produced this record. */
  objectName: z.string(),
  /**
   * `registering`: one event holds the right to register the push (`eventId`, since `recordedAt`);
   * concurrent events of the same directory then stand back instead of hashing it again.
   */
  state: z.enum(['registering', 'registered', 'failed']),
  versionId: z.string().nullable().default(null),
  code: PushFailureCode.nullable().default(null),
  message: z.string().nullable().default(null),
  /** Things a reader should know about a registration that still succeeded (e.g. no metrics.json). */
  notes: z.array(z.string()).default([]),
  /** The event that last wrote this record (the claim holder while `registering`). */
  eventId: z.string().nullable().default(null),
  recordedAt: IsoDateTime,
  /** When the registered directory was listed: files created later are not in the version. */
  listedAt: IsoDateTime.nullable().default(null),
});
export type PushRecord = z.infer<typeof PushRecord>;
