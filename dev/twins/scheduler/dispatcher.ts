import { setTimeout as sleep } from 'node:timers/promises';
import { grpc } from 'google-gax';
import { statusForHttp } from './http-status';
import type { OidcSigner } from './oidc-issuer';
import { backoffMs } from './retry-policy';
import { durationToMs, jobIdOf, type Job, type RpcStatus } from './wire';

/** One HTTP attempt the twin made. `status` is the HTTP status, 0 when no response came. */
export interface Delivery {
  jobName: string;
  scheduleTime: string;
  attempt: number;
  status: number;
  error?: string;
}

export interface DispatcherDeps {
  sign: OidcSigner;
  now: () => Date;
  /** Multiplies every retry backoff, so tests can retry in milliseconds. */
  retryScale: number;
  deliveryCopies: () => number;
  onAttempt: (jobName: string, at: Date, status: RpcStatus) => void;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Sends jobs' HTTP requests the way Cloud Scheduler does, with its headers, OIDC token and retries. */
export class Dispatcher {
  private readonly log: Delivery[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: DispatcherDeps) {}

  /** Delivers one firing of `job` (every copy and retry); the returned promise never rejects. */
  fire(job: Job, scheduleTime: Date): Promise<void> {
    const copies = Array.from({ length: this.deps.deliveryCopies() }, () => this.deliverWithRetries(job, scheduleTime));
    const delivery = Promise.all(copies).then(() => undefined);
    this.inflight.add(delivery);
    void delivery.finally(() => this.inflight.delete(delivery));
    return delivery;
  }

  /** Resolves once no delivery is in flight. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight);
  }

  deliveries(): Delivery[] {
    return this.log.map((delivery) => ({ ...delivery }));
  }

  /** Cancels pending retries and open requests, then waits for them to unwind. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.settled();
  }

  private async deliverWithRetries(job: Job, scheduleTime: Date): Promise<void> {
    const retryCount = job.retryConfig?.retryCount ?? 0;
    for (let attempt = 1; ; attempt++) {
      const ok = await this.attempt(job, scheduleTime, attempt);
      if (ok || attempt > retryCount || this.stopping.signal.aborted) return;
      const wait = backoffMs(job.retryConfig ?? {}, attempt - 1) * this.deps.retryScale;
      try {
        await sleep(wait, undefined, { signal: this.stopping.signal });
      } catch {
        return; // the twin is stopping
      }
    }
  }

  private async attempt(job: Job, scheduleTime: Date, attempt: number): Promise<boolean> {
    const name = job.name ?? '';
    // Under a simulated clock the attempt happens "at" its slot, never before it.
    const at = new Date(Math.max(this.deps.now().getTime(), scheduleTime.getTime()));
    let status: RpcStatus;
    let httpStatus = 0;
    let error: string | undefined;
    try {
      httpStatus = await this.send(job, scheduleTime);
      status = statusForHttp(httpStatus);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      status = { code: timedOut ? grpc.status.DEADLINE_EXCEEDED : grpc.status.UNAVAILABLE, message: error };
    }
    this.log.push({ jobName: name, scheduleTime: scheduleTime.toISOString(), attempt, status: httpStatus, ...(error ? { error } : {}) });
    this.deps.onAttempt(name, at, status);
    return httpStatus >= 200 && httpStatus < 300;
  }

  private async send(job: Job, scheduleTime: Date): Promise<number> {
    const target = job.httpTarget ?? {};
    const uri = target.uri ?? '';
    const method = target.httpMethod ?? 'POST';
    const headers = new Headers(target.headers);
    headers.set('User-Agent', 'Google-Cloud-Scheduler');
    headers.set('X-CloudScheduler', 'true');
    headers.set('X-CloudScheduler-JobName', jobIdOf(job.name ?? ''));
    headers.set('X-CloudScheduler-ScheduleTime', scheduleTime.toISOString());
    const body = BODY_METHODS.has(method) && target.body?.length ? new Uint8Array(target.body) : undefined;
    if (body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/octet-stream');
    if (target.oidcToken) {
      const token = await this.deps.sign({
        aud: target.oidcToken.audience || uri,
        email: target.oidcToken.serviceAccountEmail ?? '',
      });
      headers.set('Authorization', `Bearer ${token}`);
    }
    const deadline = AbortSignal.timeout(durationToMs(job.attemptDeadline, 180_000));
    const response = await fetch(uri, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([this.stopping.signal, deadline]),
    });
    await response.arrayBuffer(); // drain, so the connection is released
    return response.status;
  }
}
