import { grpc } from 'google-gax';
import type { TwinContext } from './context';
import { alreadyExists, failedPrecondition, fieldErrors, invalidArgument, notFound, required } from './errors';
import { checkLabels } from './labels';
import { applyFilter, applyOrder, paginate, type FieldReader } from './listing';
import { locationName } from './names';
import { sleep, timestamp, timestampMs } from './time';
import type {
  CancelPipelineJobRequest, CreatePipelineJobRequest, GetPipelineJobRequest, ListPipelineJobsRequest, PipelineJob,
  PipelineState, ServiceHandlers,
} from './types';

export interface PipelineRunContext {
  /** Aborted when the job is cancelled or the twin stops. */
  readonly signal: AbortSignal;
  /**
   * Moves the job to a state (RUNNING sets its start time; SUCCEEDED, FAILED and CANCELLED end it). Ignored once the
   * job has ended or is being cancelled. `error` is kept on FAILED (code defaults to 9, as Vertex reports failed DAGs).
   */
  setState(state: PipelineState, error?: { code?: number; message: string }): void;
}

/**
 * Runs a pipeline job. It starts PENDING; the runner moves it on with ctx.setState. When the runner resolves the job
 * ends SUCCEEDED, when it rejects FAILED with the rejection's message (unless it already set an end state).
 */
export type PipelineRunner = (job: PipelineJob, ctx: PipelineRunContext) => Promise<void>;

/** PENDING → RUNNING → SUCCEEDED, one step every stepMs. */
export function defaultPipelineRunner(stepMs: number): PipelineRunner {
  return async (_job, ctx) => {
    await sleep(stepMs, ctx.signal);
    ctx.setState('PIPELINE_STATE_RUNNING');
    await sleep(stepMs, ctx.signal);
  };
}

function failingRunner(stepMs: number, message: string): PipelineRunner {
  return async (job, ctx) => {
    await defaultPipelineRunner(stepMs)(job, ctx);
    ctx.setState('PIPELINE_STATE_FAILED', { message });
  };
}

const ENDED: PipelineState[] = ['PIPELINE_STATE_SUCCEEDED', 'PIPELINE_STATE_FAILED', 'PIPELINE_STATE_CANCELLED'];
const FAILED_DAG = grpc.status.FAILED_PRECONDITION;
const JOB_ID = /^[a-z0-9][a-z0-9-]{0,127}$/;

const readJob: FieldReader<PipelineJob> = (job, field) => {
  if (field.startsWith('labels.')) return job.labels?.[field.slice('labels.'.length)];
  switch (field) {
    case 'display_name': return job.displayName ?? '';
    case 'state': return String(job.state ?? '');
    case 'create_time': return timestampMs(job.createTime);
    case 'update_time': return timestampMs(job.updateTime);
    case 'start_time': return timestampMs(job.startTime);
    case 'end_time': return timestampMs(job.endTime);
    default: throw invalidArgument(`Unsupported field in filter or order_by: ${field}`);
  }
};

const copy = <T>(value: T): T => structuredClone(value);

/** Pipeline jobs and their execution by the runner. */
export class PipelineJobs {
  private readonly running = new Map<string, AbortController>();
  private readonly failures: string[] = [];

  constructor(
    private readonly ctx: TwinContext,
    private readonly runner: PipelineRunner,
    private readonly stepMs: number,
  ) {
    // Jobs saved while running cannot resume: their runner went with the previous process.
    for (const job of ctx.state.pipelineJobs.values()) {
      if (!ENDED.includes(job.state as PipelineState)) this.update(job, 'PIPELINE_STATE_FAILED', { message: 'The pipeline job was interrupted: the twin restarted.' });
    }
  }

  /** Makes the next created job fail with this message (after going through RUNNING), whatever the runner. */
  failNext(message: string): void {
    this.failures.push(message);
  }

  create(request: CreatePipelineJobRequest): PipelineJob {
    const loc = this.ctx.names.location(request.parent);
    const spec = required(request.pipelineJob, 'pipeline_job');
    if (!spec.pipelineSpec && !spec.templateUri) {
      throw fieldErrors([{ field: 'pipeline_job.pipeline_spec', description: 'Either pipeline_spec or template_uri must be set.' }]);
    }
    checkLabels(spec.labels, 'pipeline_job.labels');
    if (request.pipelineJobId && !JOB_ID.test(request.pipelineJobId)) {
      throw fieldErrors([{ field: 'pipeline_job_id', description: 'The id must be up to 128 characters of [a-z0-9-].' }]);
    }
    const name = `${locationName(loc)}/pipelineJobs/${request.pipelineJobId || this.ctx.state.ids.take()}`;
    if (this.ctx.state.pipelineJobs.has(name)) throw alreadyExists(`PipelineJob ${name} already exists.`);
    const now = timestamp();
    const job: PipelineJob = {
      ...copy(spec), name, state: 'PIPELINE_STATE_PENDING', createTime: now, updateTime: now, startTime: null, endTime: null, error: null,
    };
    this.ctx.state.pipelineJobs.set(name, job);
    this.ctx.state.changed();
    const created = copy(job); // before the runner gets a chance to move it on
    const failure = this.failures.shift();
    void this.run(job, failure === undefined ? this.runner : failingRunner(this.stepMs, failure));
    return created;
  }

  get(name: string | null | undefined): PipelineJob {
    const parsed = this.ctx.names.resource(name, 'pipelineJobs');
    const job = this.ctx.state.pipelineJobs.get(parsed.name);
    if (!job) throw notFound('The PipelineJob does not exist.');
    return job;
  }

  /** Asks the runner to stop (its signal aborts); the job is CANCELLING until the runner returns, then CANCELLED. */
  cancel(name: string | null | undefined): void {
    const job = this.get(name);
    if (ENDED.includes(job.state as PipelineState) || job.state === 'PIPELINE_STATE_CANCELLING') {
      throw failedPrecondition(`Cannot cancel the PipelineJob ${job.name} in state ${String(job.state)}.`);
    }
    this.update(job, 'PIPELINE_STATE_CANCELLING');
    this.running.get(job.name!)?.abort(new Error('cancelled'));
  }

  stop(): void {
    for (const controller of this.running.values()) controller.abort(new Error('the twin stopped'));
  }

  private async run(job: PipelineJob, runner: PipelineRunner): Promise<void> {
    const controller = new AbortController();
    this.running.set(job.name!, controller);
    const ctx: PipelineRunContext = {
      signal: controller.signal,
      setState: (state, error) => {
        if (!ENDED.includes(job.state as PipelineState) && job.state !== 'PIPELINE_STATE_CANCELLING') this.update(job, state, error);
      },
    };
    let failure: string | undefined;
    try {
      await runner(copy(job), ctx);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    this.running.delete(job.name!);
    if (job.state === 'PIPELINE_STATE_CANCELLING') {
      this.update(job, 'PIPELINE_STATE_CANCELLED', { code: grpc.status.CANCELLED, message: 'The pipeline job was cancelled.' });
    } else if (!controller.signal.aborted) {
      ctx.setState(failure === undefined ? 'PIPELINE_STATE_SUCCEEDED' : 'PIPELINE_STATE_FAILED', failure === undefined ? undefined : { message: failure });
    }
  }

  private update(job: PipelineJob, state: PipelineState, error?: { code?: number; message: string }): void {
    const now = timestamp();
    job.state = state;
    job.updateTime = now;
    if (state === 'PIPELINE_STATE_RUNNING' && !job.startTime) job.startTime = now;
    if (ENDED.includes(state)) job.endTime = now;
    if (error && (state === 'PIPELINE_STATE_FAILED' || state === 'PIPELINE_STATE_CANCELLED')) {
      job.error = { code: error.code ?? FAILED_DAG, message: error.message, details: [] };
    }
    this.ctx.state.changed();
  }
}

export function pipelineService(ctx: TwinContext, jobs: PipelineJobs): ServiceHandlers {
  return {
    CreatePipelineJob: (request: CreatePipelineJobRequest) => jobs.create(request),
    GetPipelineJob: (request: GetPipelineJobRequest) => copy(jobs.get(request.name)),
    ListPipelineJobs: (request: ListPipelineJobsRequest) => {
      const prefix = `${locationName(ctx.names.location(request.parent))}/pipelineJobs/`;
      const all = [...ctx.state.pipelineJobs.values()].filter((job) => job.name!.startsWith(prefix));
      const sortable = ['display_name', 'create_time', 'update_time', 'start_time', 'end_time'];
      const listed = applyOrder(applyFilter(all, request.filter, readJob), request.orderBy, readJob, sortable);
      const { page, nextPageToken } = paginate(listed, request.pageSize, request.pageToken);
      return { pipelineJobs: copy(page), nextPageToken };
    },
    CancelPipelineJob: (request: CancelPipelineJobRequest) => {
      jobs.cancel(request.name);
      return {};
    },
  };
}
