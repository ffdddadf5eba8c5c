import { NotFoundError, ValidationError } from '../../../shared/errors';
import { describeSchedule } from '../../../shared/domain/schedule-projection';
import { checkScheduleTiming, nextFireTime, TIMING_FIELDS } from '../../../shared/domain/schedule-rules';
import type { Clock, Page } from '../../../shared/ports';
import type {
  CreateScheduleBody, ScheduleRecord, ScheduleSync, ScheduleView, UpdateScheduleBody,
} from '../../../shared/schemas/schedule-api';
import type { ScheduleStore, SchedulerJobs } from '../../../shared/training-ports';
import type { Logger } from '../log';
import { bringJobInLine, desiredJob } from './schedule-jobs';

export interface TrainingSchedulesDeps {
  store: ScheduleStore;
  jobs: SchedulerJobs;
  clock: Clock;
  /** New schedule ids (injected so that tests can name them). */
  newId: () => string;
  log: Logger;
}

const TIMING_KEYS = ['runAt', 'time', 'dayOfWeek', 'cron'] as const;
const NOT_SYNCED: ScheduleSync = { state: 'pending', error: null, attemptedAt: null };

/** Field paths of timing problems are relative to the schedule (`cron`, `runAt`); the HTTP layer says where they came from. */
function assertTiming(record: ScheduleRecord, now: Date, runAtIsNew: boolean): void {
  const issues = checkScheduleTiming(record, now, runAtIsNew);
  if (issues.length > 0) throw new ValidationError(issues, 'The schedule timing is invalid');
}

/** ISO strings in UTC sort like the instants they name; the calendar and the trigger compare them. */
const utc = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString() : null);

/**
 * Training schedules: Firestore is written first (the source of truth), then the schedule's Cloud
 * Scheduler job is brought in line. A job that cannot be synced leaves the schedule `pending` with
 * the error, for the reconcile step to repair; the write itself still succeeds.
 */
export class TrainingSchedules {
  constructor(private readonly deps: TrainingSchedulesDeps) {}

  async create(input: CreateScheduleBody, actor: string): Promise<ScheduleView> {
    const now = this.deps.clock.now();
    const record: ScheduleRecord = {
      id: this.deps.newId(),
      name: input.name,
      familyId: input.familyId,
      modelType: input.modelType,
      type: input.type,
      runAt: utc(input.runAt),
      time: input.time ?? null,
      dayOfWeek: input.dayOfWeek ?? null,
      cron: input.cron ?? null,
      timeZone: input.timeZone,
      pipelineTemplate: input.pipelineTemplate,
      parameters: input.parameters,
      state: 'active',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      createdBy: actor,
      revision: 0,
      sync: NOT_SYNCED,
    };
    assertTiming(record, now, true);
    await this.deps.store.create(record);
    return this.view(await this.syncJob(record));
  }

  async get(id: string): Promise<ScheduleView> {
    return this.view(await this.require(id));
  }

  async list(pageSize: number, cursor?: string): Promise<Page<ScheduleView>> {
    const page = await this.deps.store.list(pageSize, cursor);
    return { items: page.items.map((s) => this.view(s)), nextCursor: page.nextCursor };
  }

  async update(id: string, patch: UpdateScheduleBody): Promise<ScheduleView> {
    const now = this.deps.clock.now();
    const updated = await this.deps.store.update(id, (current) => {
      const type = patch.type ?? current.type;
      const next: ScheduleRecord = { ...current, ...patch, updatedAt: now.toISOString(), revision: current.revision + 1, sync: NOT_SYNCED };
      // A timing field keeps its value while the type still uses it, is cleared when it stops, and takes the patch's when given.
      for (const key of TIMING_KEYS) {
        const given = patch[key];
        (next as Record<string, unknown>)[key] = given !== undefined ? given : TIMING_FIELDS[type].includes(key) ? current[key] : null;
      }
      next.runAt = utc(next.runAt);
      assertTiming(next, now, patch.runAt !== undefined || (type === 'once' && current.type !== 'once'));
      return next;
    });
    if (!updated) throw new NotFoundError('Training schedule', id);
    return this.view(await this.syncJob(updated));
  }

  pause(id: string): Promise<ScheduleView> {
    return this.setState(id, 'paused');
  }

  resume(id: string): Promise<ScheduleView> {
    return this.setState(id, 'active');
  }

  async delete(id: string): Promise<void> {
    if (!(await this.deps.store.delete(id))) throw new NotFoundError('Training schedule', id);
    try {
      await this.deps.jobs.delete(id);
    } catch (error) {
      // Reconcile deletes jobs whose schedule is gone.
      this.deps.log.warn('schedules: job not deleted, reconcile will', { scheduleId: id, error });
    }
  }

  /** Pausing a paused schedule changes nothing but still makes sure its job is paused. */
  private async setState(id: string, state: ScheduleRecord['state']): Promise<ScheduleView> {
    const now = this.deps.clock.now().toISOString();
    const updated = await this.deps.store.update(id, (current) =>
      current.state === state ? current : { ...current, state, updatedAt: now, revision: current.revision + 1, sync: NOT_SYNCED });
    if (!updated) throw new NotFoundError('Training schedule', id);
    return this.view(await this.syncJob(updated));
  }

  private async syncJob(record: ScheduleRecord): Promise<ScheduleRecord> {
    const attemptedAt = this.deps.clock.now().toISOString();
    let sync: ScheduleSync;
    try {
      await bringJobInLine(this.deps.jobs, desiredJob(record), await this.deps.jobs.find(record.id));
      sync = { state: 'synced', error: null, attemptedAt };
    } catch (error) {
      this.deps.log.warn('schedules: job sync failed, left pending', { scheduleId: record.id, error });
      sync = { state: 'pending', error: error instanceof Error ? error.message : String(error), attemptedAt };
    }
    await this.deps.store.recordSync(record.id, record.revision, sync);
    return { ...record, sync };
  }

  private async require(id: string): Promise<ScheduleRecord> {
    const record = await this.deps.store.get(id);
    if (!record) throw new NotFoundError('Training schedule', id);
    return record;
  }

  private view(record: ScheduleRecord): ScheduleView {
    return { ...record, description: describeSchedule(record), nextFireTime: nextFireTime(record, this.deps.clock.now()) };
  }
}
