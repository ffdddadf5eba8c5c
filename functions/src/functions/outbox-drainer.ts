import type { Request, Response } from '@google-cloud/functions-framework';
import { lazyFirestore } from '../adapters/firestore/client';
import { FirestoreVersionRepository } from '../adapters/firestore/version-repository';
import type { DrainReport } from '../app/outbox-drainer';
import type { AdvanceReport } from '../app/rollouts';
import type { MirrorSweepReport } from '../app/retry-mirror';
import type { MirrorTuning } from '../adapters/vertex/model-mirror';
import type { HttpHandler } from '../http/api-handler';
import { createLogger } from '../log';
import { settleParts, type PartsReport } from './job-parts';
import { buildMirrorRetry } from './mirror-retry';
import { parseRegistryWritesConfig, type RegistryWritesConfig } from '../registry-config';
import { buildRegistryWrites, type RegistryWritesOverrides } from './registry-writes';
import type { SigningSweepReport } from '../app/version-signing';
import { AuditCheckpointer, type CheckpointReport } from '../app/audit-trail';
import { reconcileFamilyFreshness, reconcileSummaryCounters, type FreshnessReconcileReport, type SummaryReconcileReport } from '../adapters/firestore/summary-counters';
import { reconcileScheduleIndex, type ScheduleIndexReport } from '../adapters/firestore/schedule-index';

/** Batches per invocation: a backlog drains over a few runs instead of one long one. */
const MAX_BATCHES = 10;
/** Mirrors retried per invocation (one after another): a long outage's backlog clears over a few minutes. */
const MIRRORS_PER_RUN = 20;
/** Signatures retried per invocation (one after another). */
const SIGNATURES_PER_RUN = 20;
/** The KPI counters (6 aggregation queries) and the calendar's schedule index (one query) are checked every this many minutes. */
export const SUMMARY_RECONCILE_EVERY_MINUTES = 15;

export interface MinuteJobOverrides extends RegistryWritesOverrides {
  mirrorTuning?: MirrorTuning;
  mirrorRetryDelayMs?: number;
}

/**
 * The `drainOutbox` function: Cloud Scheduler calls it every minute (OIDC-authenticated, invoker
 * role only) to publish outbox events that the request which wrote them could not, then to mirror
 * again versions whose Vertex AI mirror is due for a retry (failed transiently, or abandoned), to
 * sign versions whose signature is due, to advance or roll back running canary rollouts, to
 * checkpoint the audit chain's head (signed with the same KMS key, when it moved), and every quarter
 * hour to check the KPI counters.
 * Each part runs even when another fails; a failure answers 500 so that the job shows it.
 */
export function buildOutboxDrainer(config: RegistryWritesConfig, overrides: MinuteJobOverrides = {}): { handler: HttpHandler; run(): Promise<{ ok: boolean; report: MinuteJobReport }>; close(): Promise<void> } {
  const firestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const log = overrides.log ?? createLogger(config.logLevel);
  const { drainer, aliases, rollouts, close, signing, auditLog } = buildRegistryWrites(config, firestore, new FirestoreVersionRepository(firestore), { ...overrides, log });
  const mirrors = buildMirrorRetry({
    firestore, vertex: config.vertex, aliases, log,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(overrides.mirrorTuning ? { mirrorTuning: overrides.mirrorTuning } : {}),
    ...(overrides.mirrorRetryDelayMs !== undefined ? { mirrorRetryDelayMs: overrides.mirrorRetryDelayMs } : {}),
  });
  const checkpoints = signing && new AuditCheckpointer({ store: auditLog, signer: signing.signer, keys: signing.keys, clock: overrides.clock ?? { now: () => new Date() }, log });
  const noSigning: SigningSweepReport = { due: 0, signed: 0, failed: 0, skipped: 0 };
  const drain = async (): Promise<DrainReport> => {
    const total: DrainReport = { published: 0, failed: 0 };
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const report = await drainer.drain();
      total.published += report.published;
      total.failed += report.failed;
      if (report.published + report.failed === 0 || report.failed > 0) break;
    }
    return total;
  };
  const reconcileDue = () => (overrides.clock?.now() ?? new Date()).getUTCMinutes() % SUMMARY_RECONCILE_EVERY_MINUTES === 0;
  const counters = async (): Promise<SummaryReconcileReport | { skipped: true }> => {
    if (!reconcileDue()) return { skipped: true };
    const report = await reconcileSummaryCounters(await firestore());
    if (report.repaired) log.warn('minute job: KPI counters repaired', { stored: report.stored, counted: report.counted });
    return report;
  };
  const calendarIndex = async (): Promise<CalendarIndexReport | { skipped: true }> => {
    if (!reconcileDue()) return { skipped: true };
    const handle = await firestore();
    const [schedules, freshness] = await Promise.all([reconcileScheduleIndex(handle), reconcileFamilyFreshness(handle)]);
    if (schedules.repaired) log.warn('minute job: calendar schedule index rebuilt', { schedules: schedules.schedules });
    if (freshness.repaired) log.warn("minute job: families' last blessings repaired", { families: freshness.families });
    return { schedules, freshness };
  };
  const run = () => settleParts('minute job', {
    events: drain(), mirrors: mirrors.retryDue(MIRRORS_PER_RUN),
    signatures: signing ? signing.signing.retryDue(SIGNATURES_PER_RUN) : Promise.resolve(noSigning),
    counters: counters(),
    calendarIndex: calendarIndex(),
    audit: checkpoints ? checkpoints.checkpoint() : Promise.resolve<CheckpointReport>({ checkpointed: false, seq: null }),
    rollouts: rollouts.advance(),
  }, log);
  const handler: HttpHandler = async (_req, res) => {
    const { ok, report } = await run();
    res.status(ok ? 200 : 500).json(report);
  };
  return { handler, run, close };
}

/** What the calendar reads instead of one document per schedule or family. */
interface CalendarIndexReport {
  schedules: ScheduleIndexReport;
  freshness: FreshnessReconcileReport;
}

export type MinuteJobReport = PartsReport<{
  events: Promise<DrainReport>; mirrors: Promise<MirrorSweepReport>; signatures: Promise<SigningSweepReport>;
  counters: Promise<SummaryReconcileReport | { skipped: true }>;
  calendarIndex: Promise<CalendarIndexReport | { skipped: true }>;
  audit: Promise<CheckpointReport>;
  rollouts: Promise<AdvanceReport>;
}>;

let handler: HttpHandler | undefined;

export async function drainOutbox(req: Request, res: Response): Promise<void> {
  handler ??= buildOutboxDrainer(parseRegistryWritesConfig(process.env)).handler;
  return handler(req, res);
}
