import { randomInt } from 'node:crypto';
import { grpc } from 'google-gax';
import { invalidArgument, RpcError } from './rpc-error';
import { withRetryDefaults } from './retry-policy';
import { DEFAULT_TIME_ZONE, INVALID_SCHEDULE_MESSAGE, isValidSchedule, nextSlotAfter } from './schedule';
import { msToDuration, toTimestamp, type Job, type RpcStatus } from './wire';

interface Entry {
  job: Job;
  /** The next cron slot to fire; undefined while the job is not ENABLED. */
  nextSlot?: Date;
}

export interface DueSlot { job: Job; slot: Date }

const PARENT = /^projects\/[A-Za-z0-9:.-]+\/locations\/[A-Za-z0-9-]+$/;
const JOB_ID = /^[A-Za-z0-9_-]{1,500}$/;
const MAX_PAGE_SIZE = 500;
const DEFAULT_ATTEMPT_DEADLINE_MS = 180_000;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const UPDATABLE = new Set(['description', 'schedule', 'timeZone', 'httpTarget', 'pubsubTarget', 'appEngineHttpTarget', 'retryConfig', 'attemptDeadline']);
const OUTPUT_ONLY = new Set(['name', 'state', 'status', 'scheduleTime', 'lastAttemptTime', 'userUpdateTime']);

const notFound = () => new RpcError(grpc.status.NOT_FOUND, 'Job not found.');
const camelCase = (segment: string) => segment.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function checkParent(parent: string): void {
  if (!PARENT.test(parent)) {
    throw invalidArgument('Parent must be formatted: "projects/<PROJECT_ID>/locations/<LOCATION_ID>".');
  }
}

/** Rejects what Cloud Scheduler rejects for the fields the twin keeps, and what the twin cannot deliver. */
function validate(job: Job): void {
  if (job.pubsubTarget || job.appEngineHttpTarget) {
    throw new RpcError(grpc.status.UNIMPLEMENTED, 'The Cloud Scheduler twin only delivers httpTarget jobs.');
  }
  const target = job.httpTarget;
  if (!target) throw invalidArgument('Job must have a target.');
  if (!/^https?:\/\/[^/]/.test(target.uri ?? '') || !URL.canParse(target.uri ?? '')) {
    throw invalidArgument('HttpTarget.uri must be a valid http or https URL.');
  }
  if (target.body?.length && !BODY_METHODS.has(target.httpMethod ?? 'POST')) {
    throw invalidArgument('HttpTarget.body is only allowed with the POST, PUT and PATCH methods.');
  }
  if (target.oauthToken) {
    throw new RpcError(grpc.status.UNIMPLEMENTED, 'The Cloud Scheduler twin only supports oidcToken authorization.');
  }
  if (target.oidcToken && !target.oidcToken.serviceAccountEmail) {
    throw invalidArgument('OidcToken.service_account_email is required.');
  }
  if (!isValidSchedule(job.schedule ?? '', job.timeZone ?? DEFAULT_TIME_ZONE)) {
    throw invalidArgument(INVALID_SCHEDULE_MESSAGE);
  }
  const retryCount = job.retryConfig?.retryCount ?? 0;
  if (retryCount < 0 || retryCount > 5) throw invalidArgument('RetryConfig.retry_count must be between 0 and 5.');
  if ((job.description ?? '').length > 500) throw invalidArgument('Job.description must not exceed 500 characters.');
}

/** The job as the service stores it: caller-settable fields with their defaults, no output-only fields. */
function normalized(job: Job): Job {
  const target = structuredClone(job.httpTarget ?? {});
  if (!target.httpMethod || target.httpMethod === 'HTTP_METHOD_UNSPECIFIED') target.httpMethod = 'POST';
  return {
    name: job.name,
    description: job.description,
    httpTarget: target,
    schedule: job.schedule,
    timeZone: job.timeZone || DEFAULT_TIME_ZONE,
    retryConfig: withRetryDefaults(job.retryConfig),
    attemptDeadline: job.attemptDeadline ?? msToDuration(DEFAULT_ATTEMPT_DEADLINE_MS),
  };
}

/** Sets `path` in `target` to its value in `source`, clearing it when `source` has none (field-mask semantics). */
function copyPath(target: Record<string, unknown>, source: Record<string, unknown> | undefined, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    const value = source?.[head];
    if (value === undefined) delete target[head];
    else target[head] = structuredClone(value);
    return;
  }
  const child = (target[head] ??= {}) as Record<string, unknown>;
  copyPath(child, source?.[head] as Record<string, unknown> | undefined, rest);
}

/** The jobs of the twin, in memory, with their firing slots. */
export class JobStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => Date) {}

  create(parent: string, requested: Job): Job {
    checkParent(parent);
    const name = requested.name || `${parent}/jobs/${randomInt(1e9, 1e10)}${randomInt(1e9, 1e10)}`;
    if (!name.startsWith(`${parent}/jobs/`) || !JOB_ID.test(name.slice(parent.length + 6))) {
      throw invalidArgument('Job name must be formatted: "projects/<PROJECT_ID>/locations/<LOCATION_ID>/jobs/<JOB_ID>".');
    }
    if (this.entries.has(name)) throw new RpcError(grpc.status.ALREADY_EXISTS, `Job ${name} already exists.`);
    validate(requested);
    const job: Job = { ...normalized({ ...requested, name }), state: 'ENABLED', userUpdateTime: toTimestamp(this.now()) };
    const entry: Entry = { job };
    this.reschedule(entry);
    this.entries.set(name, entry);
    return this.toWire(entry);
  }

  get(name: string): Job {
    return this.toWire(this.entry(name));
  }

  /** Pages in name order; the token is the last name returned, so deletions between pages skip nothing. */
  list(parent: string, pageSize = 0, pageToken = ''): { jobs: Job[]; nextPageToken: string } {
    checkParent(parent);
    if (pageSize < 0) throw invalidArgument('page_size must not be negative.');
    const after = pageToken ? Buffer.from(pageToken, 'base64url').toString() : '';
    if (pageToken && !after.startsWith(`${parent}/jobs/`)) throw invalidArgument('Invalid page token.');
    const size = pageSize === 0 ? MAX_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
    const names = [...this.entries.keys()].filter((name) => name.startsWith(`${parent}/jobs/`) && name > after).sort();
    const page = names.slice(0, size);
    const last = page.at(-1);
    return {
      jobs: page.map((name) => this.get(name)),
      nextPageToken: names.length > size && last ? Buffer.from(last).toString('base64url') : '',
    };
  }

  update(requested: Job, maskPaths: string[]): Job {
    if (!requested.name) throw invalidArgument('Job.name must be specified.');
    const entry = this.entry(requested.name);
    const paths = maskPaths.length > 0
      ? maskPaths.map((path) => path.split('.').map(camelCase))
      // No mask: every populated field is updated, as AIP-134 prescribes.
      : Object.keys(requested).filter((key) => UPDATABLE.has(key)).map((key) => [key]);
    const updated = structuredClone(entry.job) as Record<string, unknown>;
    for (const path of paths) {
      const head = path[0] ?? '';
      if (OUTPUT_ONLY.has(head)) continue; // the API ignores output-only fields
      if (!UPDATABLE.has(head)) throw invalidArgument(`Invalid update_mask path: ${path.join('.')}.`);
      copyPath(updated, requested as Record<string, unknown>, path);
    }
    validate(updated);
    entry.job = {
      ...normalized(updated),
      state: entry.job.state,
      status: entry.job.status,
      lastAttemptTime: entry.job.lastAttemptTime,
      userUpdateTime: toTimestamp(this.now()),
    };
    this.reschedule(entry);
    return this.toWire(entry);
  }

  delete(name: string): void {
    if (!this.entries.delete(name)) throw notFound();
  }

  pause(name: string): Job {
    const entry = this.entry(name);
    if (entry.job.state !== 'ENABLED') throw new RpcError(grpc.status.FAILED_PRECONDITION, 'Job must be ENABLED to be paused.');
    entry.job.state = 'PAUSED';
    this.reschedule(entry);
    return this.toWire(entry);
  }

  /** Resuming schedules from now on: slots missed while paused are not replayed. */
  resume(name: string): Job {
    const entry = this.entry(name);
    if (entry.job.state !== 'PAUSED') throw new RpcError(grpc.status.FAILED_PRECONDITION, 'Job must be PAUSED to be resumed.');
    entry.job.state = 'ENABLED';
    this.reschedule(entry);
    return this.toWire(entry);
  }

  /** A copy of the job to deliver (its config is frozen at firing time). */
  snapshot(name: string): Job {
    return structuredClone(this.entry(name).job);
  }

  /** Takes every slot of every ENABLED job due at or before `until`, advancing each job past them. */
  takeDueSlots(until: Date): DueSlot[][] {
    const perJob: DueSlot[][] = [];
    for (const entry of this.entries.values()) {
      const slots: DueSlot[] = [];
      while (entry.nextSlot && entry.nextSlot <= until) {
        slots.push({ job: structuredClone(entry.job), slot: entry.nextSlot });
        entry.nextSlot = nextSlotAfter(entry.job.schedule ?? '', entry.job.timeZone ?? DEFAULT_TIME_ZONE, entry.nextSlot);
      }
      if (slots.length > 0) perJob.push(slots);
    }
    return perJob;
  }

  recordAttempt(name: string, at: Date, status: RpcStatus): void {
    const entry = this.entries.get(name);
    if (!entry) return; // deleted while its delivery was in flight
    entry.job.lastAttemptTime = toTimestamp(at);
    entry.job.status = status;
  }

  all(): Job[] {
    return [...this.entries.values()].map((entry) => this.toWire(entry));
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw notFound();
    return entry;
  }

  private reschedule(entry: Entry): void {
    entry.nextSlot = entry.job.state === 'ENABLED'
      ? nextSlotAfter(entry.job.schedule ?? '', entry.job.timeZone ?? DEFAULT_TIME_ZONE, this.now())
      : undefined;
  }

  private toWire(entry: Entry): Job {
    const job = structuredClone(entry.job);
    if (entry.nextSlot) job.scheduleTime = toTimestamp(entry.nextSlot);
    return job;
  }
}
