import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import { CloudSchedulerClient } from '@google-cloud/scheduler';
import { Storage } from '@google-cloud/storage';
import { freePort } from '../../../dev/lib/free-port';
import { toyTrainerRunner } from '../../../dev/toy-trainer/pipeline-runner';
import { startGcsTwin, storageClientOptions, type GcsTwin } from '../../../dev/twins/gcs';
import { schedulerClientOptions, startSchedulerTwin, type SchedulerTwin } from '../../../dev/twins/scheduler';
import { startVertexTwin, type VertexTwin } from '../../../dev/twins/vertex';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { runFromDoc } from '../../../functions/src/adapters/firestore/run-repository';
import type { ScheduleReconciler } from '../../../functions/src/app/schedule-jobs';
import { buildScheduleReconciler, buildTrainingSchedules } from '../../../functions/src/functions/scheduling';
import { buildSyncRuns } from '../../../functions/src/functions/sync-runs';
import { buildTrigger } from '../../../functions/src/functions/trigger';
import { createApiHandler } from '../../../functions/src/http/api-handler';
import { createAuthenticator } from '../../../functions/src/http/auth';
import { scheduleRoutes } from '../../../functions/src/http/routes/schedule-routes';
import { devTokenVerifier } from '../../../functions/src/http/token-verifiers';
import { createLogger } from '../../../functions/src/log';
import { parseSchedulingConfig, parseSyncRunsConfig, parseTriggerConfig } from '../../../functions/src/training-config';
import type { TrainingRun } from '../../../shared/schemas/training-run';
import { TEST_SECRET } from '../../support/api';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

export const SCHEDULER_SA = 'registry-scheduler@demo-registry.iam.gserviceaccount.com';
export const LOCATION = 'europe-west1';
export const PUSHES = 'pushes';
const SYNC_JOB_ID = 'registry-sync-runs';
let counter = 0;

export interface HarnessOptions {
  /** Run pipeline jobs as the toy trainer (a child process writing into the GCS twin) instead of the twin's default runner. */
  toyTrainer?: boolean;
  /** The clock every component reads (the scheduler twin fires slots against it). */
  start: Date;
}

/**
 * The whole scheduled-retraining loop on loopback: Firestore emulator, Cloud Scheduler, Vertex and
 * GCS twins, the schedules API, and the trigger and sync functions served by the functions
 * framework. The sync is itself a (paused) Cloud Scheduler job, run on demand as production runs it.
 */
export async function startSchedulingHarness(options: HarnessOptions) {
  const emulator = await sharedFirestoreEmulator();
  const db: Firestore = await testFirestore();
  const clock = { now: options.start };
  const appClock = { now: () => clock.now };
  const log = createLogger('CRITICAL');

  const scheduler: SchedulerTwin = await startSchedulerTwin({ now: appClock.now, autoFire: false, retryScale: 0.0001 });
  const schedulerClient = new CloudSchedulerClient(schedulerClientOptions(scheduler.port));
  const dataDir = await mkdtemp(join(tmpdir(), 'schedules-gcs-'));
  const gcs: GcsTwin = await startGcsTwin({ dataDir, buckets: [PUSHES], log: () => undefined });
  const storage = new Storage(storageClientOptions(gcs.url, emulator.projectId));
  const vertex: VertexTwin = await startVertexTwin({
    pipelineStepMs: 10,
    ...(options.toyTrainer ? { runner: toyTrainerRunner({ storageUrl: gcs.url, trainMs: 10 }) } : {}),
  });

  const [triggerPort, syncPort] = [await freePort(), await freePort()];
  const triggerUrl = `http://127.0.0.1:${triggerPort}/`;
  const syncUrl = `http://127.0.0.1:${syncPort}/`;
  const env = {
    GOOGLE_CLOUD_PROJECT: emulator.projectId,
    SCHEDULER_LOCATION: LOCATION,
    SCHEDULER_API_ENDPOINT: '127.0.0.1',
    SCHEDULER_API_PORT: String(scheduler.port),
    SCHEDULER_SERVICE_ACCOUNT: SCHEDULER_SA,
    TRIGGER_URL: triggerUrl,
    OIDC_JWKS_URL: scheduler.jwksUrl,
    OIDC_ISSUER: scheduler.issuer,
    PUSHES_BUCKET: PUSHES,
    VERTEX_LOCATION: 'us-central1',
    VERTEX_API_ENDPOINT: '127.0.0.1',
    VERTEX_API_PORT: String(vertex.port),
    STORAGE_API_ENDPOINT: gcs.url,
    LOG_LEVEL: 'CRITICAL',
  };
  const id = ++counter;
  const serve = async (name: string, port: number) => {
    const server: Server = getTestServer(name);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return server;
  };
  http(`trigger-test-${id}`, buildTrigger(parseTriggerConfig({ ...env, OIDC_AUDIENCE: triggerUrl }), { clock: appClock, log }));
  http(`sync-runs-test-${id}`, buildSyncRuns(parseSyncRunsConfig({ ...env, OIDC_AUDIENCE: syncUrl }), { clock: appClock, log }));
  const servers = [await serve(`trigger-test-${id}`, triggerPort), await serve(`sync-runs-test-${id}`, syncPort)];

  const scheduling = parseSchedulingConfig(env);
  const firestore = lazyFirestore({ projectId: emulator.projectId, databaseId: '(default)' });
  const schedules = buildTrainingSchedules({ firestore, config: scheduling, log, clock: appClock, callTimeoutMs: 500 });
  const reconciler: ScheduleReconciler = buildScheduleReconciler({ firestore, config: scheduling, log, clock: appClock, callTimeoutMs: 500 });
  http(`schedules-api-test-${id}`, createApiHandler({
    routes: scheduleRoutes(schedules),
    authenticator: createAuthenticator(devTokenVerifier(TEST_SECRET), {}, null),
    corsOrigins: [],
    log,
  }));
  const api = getTestServer(`schedules-api-test-${id}`);

  // The sync's own job: paused, so that `tick` never fires it; RunJob delivers it on demand.
  const parent = `projects/${emulator.projectId}/locations/${LOCATION}`;
  const syncJobName = `${parent}/jobs/${SYNC_JOB_ID}`;
  await schedulerClient.createJob({
    parent,
    job: { name: syncJobName, schedule: '*/5 * * * *', timeZone: 'Etc/UTC', httpTarget: { uri: syncUrl, oidcToken: { serviceAccountEmail: SCHEDULER_SA, audience: syncUrl } } },
  });
  await schedulerClient.pauseJob({ name: syncJobName });

  return {
    clock, db, scheduler, schedulerClient, vertex, gcs, api, reconciler, triggerUrl, parent, syncJobName,
    jobName: (scheduleId: string) => `${parent}/jobs/sched-${scheduleId}`,
    /** Cloud Scheduler runs the sync job now; resolves with the HTTP status of its delivery. */
    async runSync(): Promise<number> {
      const before = scheduler.deliveries().length;
      await schedulerClient.runJob({ name: syncJobName });
      await scheduler.settled();
      return scheduler.deliveries().slice(before).find((d) => d.jobName === syncJobName)?.status ?? 0;
    },
    /** Object names in the pushes bucket under `<runId>/`. */
    async gcsFiles(runId: string): Promise<string[]> {
      const [files] = await storage.bucket(PUSHES).getFiles({ prefix: `${runId}/` });
      return files.map((f) => f.name);
    },
    async runs(): Promise<TrainingRun[]> {
      const snapshot = await db.collection('trainingRuns').get();
      return snapshot.docs.map((d) => runFromDoc(d.data())).sort((a, b) => a.runNumber - b.runNumber);
    },
    /** Empties Firestore and the pushes bucket, and removes every schedule job (the sync job stays). */
    async reset(start: Date) {
      clock.now = start;
      scheduler.faults.clear();
      vertex.faults.clear();
      await emulator.reset();
      await storage.bucket(PUSHES).deleteFiles();
      for (const job of scheduler.jobs()) if (job.name !== syncJobName) await schedulerClient.deleteJob({ name: job.name });
    },
    async stop() {
      await schedulerClient.close();
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await scheduler.stop();
      await vertex.stop();
      await gcs.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type SchedulingHarness = Awaited<ReturnType<typeof startSchedulingHarness>>;
