import { createRequire } from 'node:module';
import type { protos, v1 } from '@google-cloud/scheduler';
import type { JobSpec, ObservedJob, SchedulerJobs } from '../../../../shared/training-ports';
import { GRPC, grpcCode, upstreamError } from '../grpc-status';

type CloudSchedulerClient = InstanceType<typeof v1.CloudSchedulerClient>;
type Job = protos.google.cloud.scheduler.v1.IJob;
export type CloudSchedulerProvider = () => Promise<CloudSchedulerClient>;

export interface SchedulerClientOptions {
  /** Twins only: a gRPC host replacing cloudscheduler.googleapis.com; loopback hosts use plaintext. */
  apiEndpoint?: string | null;
  port?: number | null;
}

/** The client is built on first use and the promise cached: its module costs cold-start time. */
export function lazyCloudScheduler(options: SchedulerClientOptions = {}): CloudSchedulerProvider {
  let client: Promise<CloudSchedulerClient> | undefined;
  return () =>
    (client ??= import('@google-cloud/scheduler').then(({ v1 }) => {
      if (!options.apiEndpoint) return new v1.CloudSchedulerClient();
      const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(options.apiEndpoint);
      // Plaintext credentials must come from the grpc copy the client's own google-gax loads.
      const gax = createRequire(require.resolve('@google-cloud/scheduler'))('google-gax') as typeof import('google-gax');
      return new v1.CloudSchedulerClient({
        apiEndpoint: options.apiEndpoint,
        ...(options.port ? { port: options.port } : {}),
        ...(loopback ? { sslCreds: gax.grpc.credentials.createInsecure() } : {}),
      });
    }));
}

/** Where every job sends its request: the trigger function, with an OIDC token of the scheduler's service account. */
export interface JobTarget {
  uri: string;
  audience: string;
  serviceAccountEmail: string;
}

export interface CloudSchedulerJobsOptions {
  project: string;
  location: string;
  target: JobTarget;
  /**
   * Bounds each call, retries included (gax's default lets an idempotent call retry for 10 minutes,
   * far longer than an API request should wait on a job sync that reconcile can finish later).
   */
  callTimeoutMs?: number;
}

/** Jobs of this registry are `sched-<schedule id>`; reconcile leaves every other job of the location alone. */
export const JOB_ID_PREFIX = 'sched-';
const SERVICE = 'Cloud Scheduler';
const UPDATE_MASK = ['schedule', 'time_zone', 'description', 'http_target', 'retry_config', 'attempt_deadline'];
/** A failed trigger (Vertex unavailable) is retried by Cloud Scheduler; the trigger is idempotent per fire time. */
const RETRY_CONFIG = { retryCount: 3, minBackoffDuration: { seconds: 30 }, maxBackoffDuration: { seconds: 600 } };
const ATTEMPT_DEADLINE = { seconds: 180 };
const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/** One Cloud Scheduler job per schedule, through @google-cloud/scheduler. */
export class CloudSchedulerJobs implements SchedulerJobs {
  private readonly parent: string;
  private readonly call: { timeout: number };

  constructor(private readonly client: CloudSchedulerProvider, private readonly options: CloudSchedulerJobsOptions) {
    this.parent = `projects/${options.project}/locations/${options.location}`;
    this.call = { timeout: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS };
  }

  async find(scheduleId: string): Promise<ObservedJob | null> {
    try {
      const [job] = await (await this.client()).getJob({ name: this.jobName(scheduleId) }, this.call);
      return this.observe(job);
    } catch (error) {
      if (grpcCode(error) === GRPC.NOT_FOUND) return null;
      throw upstreamError(SERVICE, error);
    }
  }

  async list(): Promise<ObservedJob[]> {
    const client = await this.client();
    const found: ObservedJob[] = [];
    try {
      for await (const job of client.listJobsAsync({ parent: this.parent, pageSize: 500 }, { ...this.call, autoPaginate: false })) {
        const observed = this.observe(job);
        if (observed) found.push(observed);
      }
    } catch (error) {
      throw upstreamError(SERVICE, error);
    }
    return found;
  }

  async create(spec: JobSpec): Promise<void> {
    const client = await this.client();
    try {
      await client.createJob({ parent: this.parent, job: this.toJob(spec) }, this.call);
    } catch (error) {
      if (grpcCode(error) !== GRPC.ALREADY_EXISTS) throw upstreamError(SERVICE, error);
      // Created meanwhile (a concurrent write or reconcile): make that job match instead.
      await this.update(spec);
      await this.setEnabled(spec.scheduleId, spec.enabled);
      return;
    }
    if (!spec.enabled) await this.setEnabled(spec.scheduleId, false);
  }

  async update(spec: JobSpec): Promise<void> {
    const client = await this.client();
    try {
      await client.updateJob({ job: this.toJob(spec), updateMask: { paths: UPDATE_MASK } }, this.call);
    } catch (error) {
      throw upstreamError(SERVICE, error);
    }
  }

  async setEnabled(scheduleId: string, enabled: boolean): Promise<void> {
    const client = await this.client();
    const name = this.jobName(scheduleId);
    try {
      if (enabled) await client.resumeJob({ name }, this.call);
      else await client.pauseJob({ name }, this.call);
    } catch (error) {
      // FAILED_PRECONDITION: the job is in that state already.
      if (grpcCode(error) !== GRPC.FAILED_PRECONDITION) throw upstreamError(SERVICE, error);
    }
  }

  async delete(scheduleId: string): Promise<boolean> {
    try {
      await (await this.client()).deleteJob({ name: this.jobName(scheduleId) }, this.call);
      return true;
    } catch (error) {
      if (grpcCode(error) === GRPC.NOT_FOUND) return false;
      throw upstreamError(SERVICE, error);
    }
  }

  private jobName(scheduleId: string): string {
    return `${this.parent}/jobs/${JOB_ID_PREFIX}${scheduleId}`;
  }

  private toJob(spec: JobSpec): Job {
    const { target } = this.options;
    return {
      name: this.jobName(spec.scheduleId),
      description: spec.description,
      schedule: spec.cron,
      timeZone: spec.timeZone,
      retryConfig: RETRY_CONFIG,
      attemptDeadline: ATTEMPT_DEADLINE,
      httpTarget: {
        uri: target.uri,
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify({ scheduleId: spec.scheduleId })),
        oidcToken: { serviceAccountEmail: target.serviceAccountEmail, audience: target.audience },
      },
    };
  }

  /** The job as a spec, or null when it is not one of ours. */
  private observe(job: Job): ObservedJob | null {
    const prefix = `${this.parent}/jobs/${JOB_ID_PREFIX}`;
    if (!job.name?.startsWith(prefix)) return null;
    const scheduleId = job.name.slice(prefix.length);
    const http = job.httpTarget;
    const { target } = this.options;
    let body: unknown = null;
    try {
      body = JSON.parse(Buffer.from(http?.body ?? []).toString('utf8'));
    } catch {
      // an unreadable body is simply not up to date
    }
    const targetUpToDate = !!http
      && http.uri === target.uri
      && http.oidcToken?.serviceAccountEmail === target.serviceAccountEmail
      && http.oidcToken?.audience === target.audience
      && (body as { scheduleId?: unknown } | null)?.scheduleId === scheduleId;
    return {
      scheduleId,
      cron: job.schedule ?? '',
      timeZone: job.timeZone ?? '',
      enabled: job.state === 'ENABLED',
      description: job.description ?? '',
      targetUpToDate,
    };
  }
}
