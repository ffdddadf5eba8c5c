import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../../../../shared/errors';
import { UpstreamFailedError, UpstreamUnavailableError } from '../../../../shared/register-ports';

import { GRPC, TRANSIENT_GRPC_CODES, grpcCode } from '../grpc-status';

export { GRPC, grpcCode };

/** Vertex AI errors as domain errors: 503 when a retry may succeed, 502 when Vertex refused. */
export function translateVertexError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = grpcCode(error);
  if (code === null) return error;
  const { details, message } = error as { details?: unknown; message?: unknown };
  const text = typeof details === 'string' && details ? details : String(message ?? error);
  if (TRANSIENT_GRPC_CODES.has(code)) return new UpstreamUnavailableError('Vertex AI', text);
  return new UpstreamFailedError('Vertex AI', text, code);
}

export interface OperationTuning {
  /** Re-reads of an operation after a failed poll (gax does not retry polls). */
  pollRetries: number;
  pollRetryDelayMs: number;
  /** Past this, the caller is told Vertex is unavailable; the operation itself goes on. */
  timeoutMs: number;
}

interface PollableOperation<R> {
  name?: string | null;
  promise(): Promise<[R, ...unknown[]]>;
}

/**
 * Waits for a long-running operation. A failed poll ends gax's promise while the operation goes
 * on: it is read again by name (`check…Progress`), a bounded number of times.
 */
export async function completion<R>(first: PollableOperation<R>, recheck: (name: string) => Promise<PollableOperation<R>>, tuning: OperationTuning): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamUnavailableError('Vertex AI', `operation ${first.name ?? ''} did not finish within ${tuning.timeoutMs} ms`)), tuning.timeoutMs);
  });
  const wait = async () => {
    let operation: PollableOperation<R> | null = first;
    for (let retry = 0; ; retry++) {
      try {
        operation ??= await recheck(first.name!);
        const [response] = await operation.promise();
        return response;
      } catch (error) {
        if (!TRANSIENT_GRPC_CODES.has(grpcCode(error) ?? -1) || retry >= tuning.pollRetries || !first.name) throw error;
        operation = null;
        await sleep(tuning.pollRetryDelayMs * 2 ** retry);
      }
    }
  };
  try {
    return await Promise.race([wait(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
