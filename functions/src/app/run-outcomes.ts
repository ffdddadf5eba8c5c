import { runOutcome, type RunOutcome } from '../../../shared/domain/training-runs';
import type { Clock } from '../../../shared/ports';
import type { ObjectStore } from '../../../shared/register-ports';
import type { PushedMetrics } from '../../../shared/schemas/pushed-metrics';
import type { TrainingRun } from '../../../shared/schemas/training-run';
import type { PipelineService, TrainingRunStore } from '../../../shared/training-ports';
import type { Logger } from '../log';
import { readPushedMetrics } from './pushed-metrics';

/** `<run_id>/metrics.json` in the pushes bucket; an absent, oversized or malformed one reads as none. */
export class PushedMetricsReader {
  constructor(
    private readonly objects: Pick<ObjectStore, 'readJson'>,
    private readonly bucket: string,
    private readonly log: Logger,
    private readonly maxBytes = 1024 * 1024,
  ) {}

  async read(runId: string): Promise<PushedMetrics | null> {
    const name = `${runId}/metrics.json`;
    const { metrics, ignored } = await readPushedMetrics(this.objects, { bucket: this.bucket, name }, this.maxBytes);
    if (ignored) this.log.warn('sync: metrics.json ignored', { object: name, reason: ignored });
    return metrics;
  }
}

export interface RunOutcomeSyncDeps {
  runs: TrainingRunStore;
  pipelines: PipelineService;
  metrics: Pick<PushedMetricsReader, 'read'>;
  clock: Clock;
  log: Logger;
  /** Runs looked at per sync at most (each costs a pipeline read): a backlog drains over several syncs. */
  batchSize: number;
  /** A run still `scheduled` this long after its slot will not be launched any more (the trigger gave up). */
  launchTimeoutMs: number;
  concurrency: number;
}

export interface SyncReport {
  checked: number;
  completed: string[];
  notBlessed: string[];
  failed: string[];
  stillRunning: number;
  errors: { runId: string; error: string }[];
}

const NEVER_LAUNCHED = 'The pipeline was never launched: every delivery of the schedule failed';
const JOB_GONE = 'The pipeline job no longer exists';

/** Records how running training runs ended, from their pipeline job and their metrics.json. */
export class RunOutcomeSync {
  constructor(private readonly deps: RunOutcomeSyncDeps) {}

  async sync(): Promise<SyncReport> {
    const report: SyncReport = { checked: 0, completed: [], notBlessed: [], failed: [], stillRunning: 0, errors: [] };
    const now = this.deps.clock.now();
    const [running, stale] = await Promise.all([
      this.deps.runs.running(this.deps.batchSize),
      this.deps.runs.scheduledBefore(new Date(now.getTime() - this.deps.launchTimeoutMs), this.deps.batchSize),
    ]);
    for (const run of stale) await this.guard(run, report, () => this.record(run, failure(NEVER_LAUNCHED), now.toISOString(), report));
    for (let i = 0; i < running.length; i += this.deps.concurrency) {
      await Promise.all(running.slice(i, i + this.deps.concurrency).map((run) => this.guard(run, report, () => this.check(run, report))));
    }
    report.checked = running.length + stale.length;
    if (report.errors.length > 0) this.deps.log.warn('sync: some runs could not be checked', { errors: report.errors });
    return report;
  }

  private async check(run: TrainingRun, report: SyncReport): Promise<void> {
    const status = run.pipelineJob ? await this.deps.pipelines.status(run.pipelineJob) : null;
    if (!status) {
      await this.record(run, failure(JOB_GONE), this.deps.clock.now().toISOString(), report);
      return;
    }
    const metrics = status.state === 'succeeded' ? await this.deps.metrics.read(run.runId) : null;
    const outcome = runOutcome(status, metrics);
    if (!outcome) {
      report.stillRunning++;
      return;
    }
    await this.record(run, outcome, status.endedAt ?? this.deps.clock.now().toISOString(), report);
  }

  /** One run's failure (Vertex or Firestore unavailable) must not stop the others: it is reported and retried next sync. */
  private async guard(run: TrainingRun, report: SyncReport, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      report.errors.push({ runId: run.id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private async record(run: TrainingRun, outcome: RunOutcome, completedAt: string, report: SyncReport): Promise<void> {
    if (!(await this.deps.runs.recordOutcome(run.id, outcome, completedAt))) return;
    const list = outcome.status === 'completed' ? report.completed : outcome.status === 'not_blessed' ? report.notBlessed : report.failed;
    list.push(run.id);
    this.deps.log.info(`sync: run ${run.id} ${outcome.status}`, { runId: run.id, pipelineJob: run.pipelineJob, error: outcome.error });
  }
}

function failure(error: string): RunOutcome {
  return { status: 'failed', error, metrics: {}, evaluation: null, blessed: null };
}
