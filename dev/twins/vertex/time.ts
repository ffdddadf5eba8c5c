import { setTimeout as delay } from 'node:timers/promises';
import type { protos } from '@google-cloud/aiplatform';
import type { Timestamp } from './types';

/** A google.protobuf.Timestamp (seconds as a string, as proto-loader's `longs: String` reads them back). */
export function timestamp(date = new Date()): Timestamp {
  const ms = date.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function timestampMs(ts: Timestamp | null | undefined): number {
  return ts ? Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000) : 0;
}

export function durationMs(duration: protos.google.protobuf.IDuration | null | undefined): number | undefined {
  if (!duration) return undefined;
  return Number(duration.seconds ?? 0) * 1000 + Math.floor((duration.nanos ?? 0) / 1_000_000);
}

/** Resolves after ms, or rejects early with the signal's reason. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}
