import { describeSchedule, validateScheduleTiming } from '../../../shared/domain/schedule-projection';
import { jobCronExpression } from '../../../shared/domain/schedule-rules';
import type { Clock } from '../../../shared/ports';
import type { ScheduleRecord } from '../../../shared/schemas/schedule-api';
import type { JobSpec, ObservedJob, ScheduleStore, SchedulerJobs } from '../../../shared/training-ports';
import type { Logger } from '../log';

/** Cloud Scheduler caps job descriptions at 500 characters. */
const MAX_DESCRIPTION = 500;

/** The job a schedule must have. */
export function desiredJob(schedule: ScheduleRecord): JobSpec {
  const when = schedule.type === 'once' ? `Once at ${schedule.runAt}` : describeSchedule(schedule);
  return {
    scheduleId: schedule.id,
    cron: jobCronExpression(schedule),
    timeZone: schedule.timeZone,
    enabled: schedule.state === 'active',
    description: `${schedule.name}: ${when}`.slice(0, MAX_DESCRIPTION),
  };
}

export type JobChange = 'created' | 'updated' | 'paused' | 'resumed';

/** Makes the job match the spec with the fewest calls; what was changed, empty when it matched already. */
export async function bringJobInLine(jobs: SchedulerJobs, spec: JobSpec, observed: ObservedJob | null): Promise<JobChange[]> {
  if (!observed) {
    await jobs.create(spec);
    return ['created'];
  }
  const changes: JobChange[] = [];
  if (!observed.targetUpToDate || observed.cron !== spec.cron || observed.timeZone !== spec.timeZone || observed.description !== spec.description) {
    await jobs.update(spec);
    changes.push('updated');
  }
  if (observed.enabled !== spec.enabled) {
    await jobs.setEnabled(spec.scheduleId, spec.enabled);
    changes.push(spec.enabled ? 'resumed' : 'paused');
  }
  return changes;
}

export interface ReconcileReport {
  schedules: number;
  created: string[];
  updated: string[];
  paused: string[];
  resumed: string[];
  /** Jobs with our prefix and no schedule. */
  deleted: string[];
  failed: { scheduleId: string; error: string }[];
  /** More schedules than the limit: extra jobs were not deleted, since their schedule may be among those not read. */
  truncated: boolean;
}

export interface ReconcilerDeps {
  schedules: ScheduleStore;
  jobs: SchedulerJobs;
  clock: Clock;
  log: Logger;
  /** Schedules read per reconcile at most. */
  maxSchedules: number;
}

const PAGE = 500;

/**
 * Repairs drift between Firestore (the truth) and Cloud Scheduler: creates missing jobs, rewrites
 * changed ones, fixes paused/enabled, deletes jobs whose schedule is gone, and clears `pending`
 * sync states. Jobs are listed before schedules are read: a job listed was created after its
 * schedule was written (writes go Firestore first), so a schedule created meanwhile is never
 * mistaken for a missing one and its job deleted.
 */
export class ScheduleReconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(): Promise<ReconcileReport> {
    const jobs = await this.deps.jobs.list();
    const { schedules, truncated } = await this.readSchedules();
    const report: ReconcileReport = { schedules: schedules.length, created: [], updated: [], paused: [], resumed: [], deleted: [], failed: [], truncated };
    const jobsById = new Map(jobs.map((job) => [job.scheduleId, job]));

    for (const schedule of schedules) {
      const attemptedAt = this.deps.clock.now().toISOString();
      if (validateScheduleTiming(schedule).length > 0) {
        report.failed.push({ scheduleId: schedule.id, error: 'the schedule timing is invalid' });
        continue;
      }
      try {
        const changes = await bringJobInLine(this.deps.jobs, desiredJob(schedule), jobsById.get(schedule.id) ?? null);
        for (const change of changes) report[change].push(schedule.id);
        if (schedule.sync.state !== 'synced') {
          await this.deps.schedules.recordSync(schedule.id, schedule.revision, { state: 'synced', error: null, attemptedAt });
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.failed.push({ scheduleId: schedule.id, error: message });
        await this.deps.schedules.recordSync(schedule.id, schedule.revision, { state: 'pending', error: message, attemptedAt });
      }
    }

    if (!truncated) {
      const known = new Set(schedules.map((s) => s.id));
      for (const job of jobs) {
        if (known.has(job.scheduleId)) continue;
        try {
          await this.deps.jobs.delete(job.scheduleId);
          report.deleted.push(job.scheduleId);
        } catch (error) {
          report.failed.push({ scheduleId: job.scheduleId, error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    const changed = report.created.length + report.updated.length + report.paused.length + report.resumed.length + report.deleted.length;
    if (changed > 0 || report.failed.length > 0) this.deps.log.warn('schedules: job drift repaired', { report });
    return report;
  }

  private async readSchedules(): Promise<{ schedules: ScheduleRecord[]; truncated: boolean }> {
    const schedules: ScheduleRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.schedules.list(Math.min(PAGE, this.deps.maxSchedules - schedules.length), cursor);
      schedules.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && schedules.length < this.deps.maxSchedules);
    return { schedules, truncated: cursor !== undefined };
  }
}
