import type { PipelineStatus, RunOutcome } from './domain/training-runs';
import type { Page } from './ports';
import type { ScheduleRecord, ScheduleSync } from './schemas/schedule-api';
import type { TrainingRun } from './schemas/training-run';

/** Ports of scheduled retraining (schedule → Cloud Scheduler job → trigger → pipeline → outcome). */

// ---------------------------------------------------------------- schedules (Firestore)

export interface ScheduleStore {
  /** Fails with ALREADY_EXISTS when the id is taken. */
  create(schedule: ScheduleRecord): Promise<void>;
  get(id: string): Promise<ScheduleRecord | null>;
  /** Newest first. */
  list(pageSize: number, cursor?: string): Promise<Page<ScheduleRecord>>;
  /** Replaces the document by `change(current)` in a transaction; null when there is none. */
  update(id: string, change: (current: ScheduleRecord) => ScheduleRecord): Promise<ScheduleRecord | null>;
  /** False when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
  /** Records how syncing `revision` to its job went; ignored once a newer revision was written. */
  recordSync(id: string, revision: number, sync: ScheduleSync): Promise<void>;
}

// ---------------------------------------------------------------- Cloud Scheduler

/** What a schedule's job must look like; the target (trigger URL, OIDC identity) is the adapter's configuration. */
export interface JobSpec {
  scheduleId: string;
  cron: string;
  timeZone: string;
  enabled: boolean;
  description: string;
}

/** A job as found, with whether its HTTP target is the configured one. */
export interface ObservedJob extends JobSpec {
  targetUpToDate: boolean;
}

export interface SchedulerJobs {
  find(scheduleId: string): Promise<ObservedJob | null>;
  /** Every job this registry manages (by job id prefix), whatever schedule it belongs to. */
  list(): Promise<ObservedJob[]>;
  /** Creates the job (then pauses it when the spec is not enabled). */
  create(spec: JobSpec): Promise<void>;
  /** Rewrites cron, time zone, description and target. */
  update(spec: JobSpec): Promise<void>;
  setEnabled(scheduleId: string, enabled: boolean): Promise<void>;
  /** False when there was no such job. */
  delete(scheduleId: string): Promise<boolean>;
}

// ---------------------------------------------------------------- training runs (Firestore)

export interface FiringRequest {
  scheduleId: string;
  scheduleTime: Date;
  /** The run document to create, given the next run number. */
  build(runNumber: number): TrainingRun;
}

export type FiringResult =
  | { outcome: 'created'; run: TrainingRun }
  /** This schedule already fired for this time: the run it created (null if since deleted). */
  | { outcome: 'duplicate'; run: TrainingRun | null };

export interface TrainingRunStore {
  /** Creates the run of one firing exactly once, whatever the number of deliveries. */
  createForFiring(request: FiringRequest): Promise<FiringResult>;
  /** scheduled → running; false when the run has left `scheduled` already. */
  markRunning(runId: string, pipelineJob: string, startedAt: string): Promise<boolean>;
  /** Records the end of a scheduled or running run; false when it had ended already. */
  recordOutcome(runId: string, outcome: RunOutcome, completedAt: string): Promise<boolean>;
  /** Running runs, oldest start first, at most `limit`. */
  running(limit: number): Promise<TrainingRun[]>;
  /** Runs still `scheduled` that were due before `cutoff`, oldest first, at most `limit`. */
  scheduledBefore(cutoff: Date, limit: number): Promise<TrainingRun[]>;
}

// ---------------------------------------------------------------- Vertex AI Pipelines

export interface PipelineLaunch {
  /** Also the idempotency key: launching the same id twice starts one job. */
  jobId: string;
  displayName: string;
  templateUri: string;
  parameters: Record<string, string | number | boolean>;
  labels: Record<string, string>;
}

export interface PipelineService {
  /** The job's resource name; an existing job with this id is returned, not duplicated. */
  launch(launch: PipelineLaunch): Promise<string>;
  /** null when the job does not exist. */
  status(jobName: string): Promise<PipelineStatus | null>;
}
