import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../shared/ports';
import type { FirestoreProvider } from '../adapters/firestore/client';
import { FirestoreScheduleStore } from '../adapters/firestore/schedule-store';
import { CloudSchedulerJobs, lazyCloudScheduler } from '../adapters/scheduler/scheduler-jobs';
import { ScheduleReconciler } from '../app/schedule-jobs';
import { TrainingSchedules } from '../app/training-schedules';
import type { Logger } from '../log';
import type { SchedulingConfig } from '../training-config';

/** Schedule ids: 16 lowercase hex characters, valid in job names, URLs and labels. */
export function newScheduleId(): string {
  return randomBytes(8).toString('hex');
}

export interface SchedulingDeps {
  firestore: FirestoreProvider;
  config: SchedulingConfig;
  log: Logger;
  clock?: Clock;
  newId?: () => string;
  /** Bounds each Cloud Scheduler call, retries included (default 10 s). */
  callTimeoutMs?: number;
}

const systemClock: Clock = { now: () => new Date() };

function jobsOf({ config, callTimeoutMs }: Pick<SchedulingDeps, 'config' | 'callTimeoutMs'>): CloudSchedulerJobs {
  const { scheduler, target } = config;
  return new CloudSchedulerJobs(lazyCloudScheduler({ apiEndpoint: scheduler.apiEndpoint, port: scheduler.port }), {
    project: scheduler.project, location: scheduler.location, target, callTimeoutMs,
  });
}

/** The schedules use case behind `scheduleRoutes`, for the API's composition root. No client is built here. */
export function buildTrainingSchedules(deps: SchedulingDeps): TrainingSchedules {
  return new TrainingSchedules({
    store: new FirestoreScheduleStore(deps.firestore),
    jobs: jobsOf(deps),
    clock: deps.clock ?? systemClock,
    newId: deps.newId ?? newScheduleId,
    log: deps.log,
  });
}

export function buildScheduleReconciler(deps: Omit<SchedulingDeps, 'newId'> & { maxSchedules?: number }): ScheduleReconciler {
  return new ScheduleReconciler({
    schedules: new FirestoreScheduleStore(deps.firestore),
    jobs: jobsOf(deps),
    clock: deps.clock ?? systemClock,
    log: deps.log,
    maxSchedules: deps.maxSchedules ?? 5_000,
  });
}
