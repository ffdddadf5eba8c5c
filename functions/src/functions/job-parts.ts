import type { ErrorBody } from '../../../shared/schemas/api';
import { toErrorReply } from '../http/error-status';
import type { Logger } from '../log';

export type PartsReport<T extends Record<string, Promise<unknown>>> = { [K in keyof T]: Awaited<T[K]> | ErrorBody };

/**
 * Waits for a scheduled job's independent parts: each runs to its end even when another fails; a
 * failed part is logged and reported as its error body, and `ok` says whether all succeeded (the
 * job answers 500 otherwise, so that Cloud Scheduler shows the failure).
 */
export async function settleParts<T extends Record<string, Promise<unknown>>>(job: string, parts: T, log: Logger): Promise<{ ok: boolean; report: PartsReport<T> }> {
  const names = Object.keys(parts) as (keyof T & string)[];
  const settled = await Promise.allSettled(names.map((name) => parts[name]));
  const report = {} as Record<string, unknown>;
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      report[names[i]!] = result.value;
    } else {
      log.error(`${job}: ${names[i]} failed`, { error: result.reason });
      report[names[i]!] = toErrorReply(result.reason).body;
    }
  });
  return { ok: settled.every((r) => r.status === 'fulfilled'), report: report as PartsReport<T> };
}
