import { DomainError } from '../../../shared/errors';
import { sanitizeLabels } from '../../../shared/domain/labels';
import { isFireOfOnce } from '../../../shared/domain/schedule-rules';
import { pushRunId, runName } from '../../../shared/domain/training-runs';
import type { Clock } from '../../../shared/ports';
import type { ScheduleRecord } from '../../../shared/schemas/schedule-api';
import { TrainingRun } from '../../../shared/schemas/training-run';
import type { PipelineService, ScheduleStore, TrainingRunStore } from '../../../shared/training-ports';
import type { Logger } from '../log';

export interface FireRequest {
  scheduleId: string;
  /** The slot Cloud Scheduler fired for (`X-CloudScheduler-ScheduleTime`): the same on every retry. */
  scheduleTime: Date;
}

export type FireResult =
  | { outcome: 'started'; runId: string; pipelineJob: string }
  | { outcome: 'duplicate'; runId: string | null }
  | { outcome: 'ignored'; reason: string }
  /** The pipeline cannot be launched (bad template, permission): the run is failed, retrying would not help. */
  | { outcome: 'failed'; runId: string; error: string };

export interface ScheduledTrainingDeps {
  schedules: Pick<ScheduleStore, 'get'>;
  runs: TrainingRunStore;
  pipelines: PipelineService;
  clock: Clock;
  log: Logger;
  /** Passed to the pipeline as `pushes_bucket`: where it pushes `<run_id>/pushed_model/<n>/`. */
  pushesBucket: string;
}

const MAX_DISPLAY_NAME = 128;

/**
 * The run's pipeline job id, which makes launching idempotent: its push directory plus its schedule
 * (lowercase letters, digits and `-`, at most 128), so that a run number reused after a restored
 * database cannot be mistaken for an earlier run's job.
 */
export function pipelineJobId(run: TrainingRun, schedule: ScheduleRecord): string {
  const scheduleId = schedule.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `${run.runId}-${scheduleId}`.slice(0, 128).replace(/-+$/, '');
}

/**
 * One firing of a schedule → one training run and one pipeline job, however many times Cloud
 * Scheduler delivers it. Transient failures are thrown (the delivery fails and is retried; the
 * retry finds the run still `scheduled` and launches it, the job id making the launch idempotent);
 * permanent ones fail the run and are acknowledged.
 */
export class ScheduledTraining {
  constructor(private readonly deps: ScheduledTrainingDeps) {}

  async fire({ scheduleId, scheduleTime }: FireRequest): Promise<FireResult> {
    const schedule = await this.deps.schedules.get(scheduleId);
    if (!schedule) return { outcome: 'ignored', reason: 'the schedule no longer exists' };
    if (schedule.state === 'paused') return { outcome: 'ignored', reason: 'the schedule is paused' };
    if (schedule.type === 'once' && !isFireOfOnce(schedule.runAt!, scheduleTime)) {
      return { outcome: 'ignored', reason: 'a one-time schedule runs only at its run time' };
    }

    const result = await this.deps.runs.createForFiring({
      scheduleId, scheduleTime, build: (runNumber) => this.newRun(schedule, runNumber, scheduleTime),
    });
    const run = result.run;
    if (!run) return { outcome: 'duplicate', runId: null };
    if (result.outcome === 'duplicate' && run.status !== 'scheduled') return { outcome: 'duplicate', runId: run.id };
    return this.launch(schedule, run);
  }

  private async launch(schedule: ScheduleRecord, run: TrainingRun): Promise<FireResult> {
    let pipelineJob: string;
    try {
      pipelineJob = await this.deps.pipelines.launch({
        jobId: pipelineJobId(run, schedule),
        displayName: `${run.name} ${schedule.name}`.slice(0, MAX_DISPLAY_NAME),
        templateUri: schedule.pipelineTemplate,
        parameters: {
          ...schedule.parameters,
          run_id: run.runId,
          pushes_bucket: this.deps.pushesBucket,
          family: schedule.familyId,
          model_type: schedule.modelType,
        },
        labels: sanitizeLabels({ schedule_id: schedule.id, training_run: run.id, family: schedule.familyId, model_type: schedule.modelType }),
      });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'UPSTREAM_FAILED') throw error;
      const message = `The pipeline could not be launched: ${error.message}`;
      await this.deps.runs.recordOutcome(run.id, { status: 'failed', error: message, metrics: {}, evaluation: null, blessed: null }, this.now());
      this.deps.log.error('trigger: pipeline launch refused, run failed', { runId: run.id, scheduleId: schedule.id, error });
      return { outcome: 'failed', runId: run.id, error: message };
    }
    await this.deps.runs.markRunning(run.id, pipelineJob, this.now());
    return { outcome: 'started', runId: run.id, pipelineJob };
  }

  private newRun(schedule: ScheduleRecord, runNumber: number, scheduleTime: Date): TrainingRun {
    return TrainingRun.parse({
      id: String(runNumber),
      name: runName(runNumber),
      runNumber,
      familyId: schedule.familyId,
      modelType: schedule.modelType,
      status: 'scheduled',
      runId: pushRunId(runNumber, scheduleTime),
      scheduleId: schedule.id,
      scheduledFor: scheduleTime.toISOString(),
      config: { trainingParams: schedule.parameters },
    });
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}
