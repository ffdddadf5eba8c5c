import type { Request, Response } from '@google-cloud/functions-framework';
import type { Clock } from '../../../shared/ports';
import { lazyFirestore } from '../adapters/firestore/client';
import { FirestoreTrainingRunStore } from '../adapters/firestore/training-run-store';
import { GcsObjectStore, lazyStorage } from '../adapters/gcs/object-store';
import { VertexPipelines, lazyPipelineService } from '../adapters/vertex/pipeline-runner';
import { PushedMetricsReader, RunOutcomeSync } from '../app/run-outcomes';
import type { HttpHandler } from '../http/api-handler';
import { toErrorReply } from '../http/error-status';
import { schedulerCallerCheck } from '../http/scheduler-caller';
import { createLogger, type Logger } from '../log';
import { parseSyncRunsConfig, type SyncRunsConfig } from '../training-config';
import { settleParts } from './job-parts';
import { buildScheduleReconciler } from './scheduling';

export interface SyncRunsOverrides {
  clock?: Clock;
  log?: Logger;
}

const SYNC_CONCURRENCY = 8;

/**
 * Composition root of the periodic sync (a Cloud Scheduler job calls it every few minutes): records
 * how running training runs ended, then repairs drift between schedules and their jobs. Each half
 * runs even when the other fails; any failure answers 500 so that the job's status shows it.
 */
export function buildSyncRuns(config: SyncRunsConfig, overrides: SyncRunsOverrides = {}): HttpHandler {
  const log = overrides.log ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? { now: () => new Date() };
  const firestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const caller = schedulerCallerCheck(config.caller);
  const objects = new GcsObjectStore(lazyStorage({ projectId: config.projectId, apiEndpoint: config.storageApiEndpoint }));
  const outcomes = new RunOutcomeSync({
    runs: new FirestoreTrainingRunStore(firestore),
    pipelines: new VertexPipelines(lazyPipelineService(config.vertex), config.vertex),
    metrics: new PushedMetricsReader(objects, config.pushesBucket, log),
    clock, log,
    batchSize: config.batchSize,
    launchTimeoutMs: config.launchTimeoutMinutes * 60_000,
    concurrency: SYNC_CONCURRENCY,
  });
  const reconciler = buildScheduleReconciler({ firestore, config: config.scheduling, log, clock });

  return async (req, res) => {
    try {
      await caller.accept(req, res);
    } catch (error) {
      const reply = toErrorReply(error);
      res.status(reply.status).json(reply.body);
      return;
    }
    const { ok, report } = await settleParts('sync', { runs: outcomes.sync(), jobs: reconciler.reconcile() }, log);
    res.status(ok ? 200 : 500).json(report);
  };
}

let handler: HttpHandler | undefined;

/** The deployed `syncRuns` function. */
export async function syncRuns(req: Request, res: Response): Promise<void> {
  handler ??= buildSyncRuns(parseSyncRunsConfig(process.env));
  return handler(req, res);
}

// Deployed as the target: validate configuration now, so a bad value stops the instance at start.
if (process.env.FUNCTION_TARGET === 'syncRuns') handler = buildSyncRuns(parseSyncRunsConfig(process.env));
