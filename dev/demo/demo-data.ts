import type { Family } from '../../shared/schemas/family';
import { ModelVersion, type ModelVersionInput } from '../../shared/schemas/model-version';
import { Schedule } from '../../shared/schemas/schedule';
import { TrainingRun } from '../../shared/schemas/training-run';
import type { ModelType } from '../../shared/schemas/common';
import { versionId } from '../../shared/domain/display-name';
import type { RegistryData } from './seed';

/**
 * DEMO DATA — a small, realistic registry for the local stack (`npm start`; skip with --no-demo).
 * Every demo document carries the tag `demo`; dates are relative to "now" so the calendar always
 * has recent history and upcoming runs.
 */
export const DEMO_TAG = 'demo';
const CONTAINER = 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-12:latest';
const BUCKET = 'b2b-recs-training-artifacts';

interface DemoVersion {
  family: string;
  type: ModelType;
  runName?: string;
  daysAgo: number;
  blessed: boolean | null;
  deployed?: boolean;
  metrics: Record<string, number>;
}

const VERSIONS: DemoVersion[] = [
  { family: 'recs-prod', type: 'retrieval', daysAgo: 61, blessed: true, metrics: { recall_at_5: 0.201, recall_at_10: 0.371, recall_at_50: 0.622, recall_at_100: 0.756, loss: 0.41 } },
  { family: 'recs-prod', type: 'retrieval', daysAgo: 38, blessed: true, metrics: { recall_at_5: 0.222, recall_at_10: 0.398, recall_at_50: 0.654, recall_at_100: 0.801, loss: 0.35 } },
  { family: 'recs-prod', type: 'retrieval', daysAgo: 10, blessed: true, deployed: true, metrics: { recall_at_5: 0.234, recall_at_10: 0.412, recall_at_50: 0.687, recall_at_100: 0.823, loss: 0.31 } },
  { family: 'recs-prod', type: 'retrieval', daysAgo: 3, blessed: false, metrics: { recall_at_5: 0.19, recall_at_10: 0.35, recall_at_50: 0.6, recall_at_100: 0.688, loss: 0.44 } },
  { family: 'ranking-q4', type: 'ranking', daysAgo: 52, blessed: true, metrics: { rmse: 0.512, mae: 0.39, loss: 0.27 } },
  { family: 'ranking-q4', type: 'ranking', daysAgo: 24, blessed: true, deployed: true, metrics: { rmse: 0.452, mae: 0.35, loss: 0.22 } },
  { family: 'ranking-q4', type: 'ranking', daysAgo: 5, blessed: true, metrics: { rmse: 0.447, mae: 0.34, loss: 0.21 } },
  { family: 'hybrid-experiment', type: 'hybrid', daysAgo: 45, blessed: false, metrics: { recall_at_100: 0.78, rmse: 0.61, loss: 0.5 } },
  { family: 'hybrid-experiment', type: 'hybrid', daysAgo: 1, blessed: null, metrics: { recall_at_100: 0.79, loss: 0.48 } },
  { family: 'multitask-ctr', type: 'multitask', daysAgo: 30, blessed: true, metrics: { recall_at_100: 0.712, rmse: 0.58, loss: 0.39 } },
  { family: 'multitask-ctr', type: 'multitask', daysAgo: 16, blessed: true, deployed: true, metrics: { recall_at_100: 0.741, rmse: 0.55, loss: 0.36 } },
  { family: 'chern-retrieval', type: 'retrieval', runName: 'chern_retriv_v2', daysAgo: 66, blessed: true, metrics: { recall_at_100: 0.69, recall_at_50: 0.55, loss: 0.52 } },
  { family: 'chern-retrieval', type: 'retrieval', runName: 'chern_retriv_v5', daysAgo: 8, blessed: true, metrics: { recall_at_100: 0.731, recall_at_50: 0.58, loss: 0.47 } },
];

const CONFIGS: Record<string, ModelVersion['config']> = {
  retrieval: {
    dataset: { id: 'ds-q4-2025', name: 'Q4 Transactions 2025', summary: '2.4M rows • 3 tables' },
    featureConfig: { id: 'cfg-042', name: 'cfg-042 (v3)', summary: '128 dims • 12 features' },
    modelConfig: { id: 'mc-std-retrieval', name: 'Standard Retrieval', summary: '3-layer towers' },
    trainingParams: { epochs: 20, learning_rate: 0.1, batch_size: 8192, accelerator: 'T4' },
  },
  ranking: {
    dataset: { id: 'ds-clicks-q4', name: 'Q4 Clicks 2025', summary: '9.1M rows • 2 tables' },
    featureConfig: { id: 'cfg-051', name: 'cfg-051 (v1)', summary: '64 dims • 18 features' },
    modelConfig: { id: 'mc-dcn', name: 'DCN Ranker', summary: '2 cross layers + 3 deep' },
    trainingParams: { epochs: 12, learning_rate: 0.05, batch_size: 4096, accelerator: 'T4' },
  },
};

function at(now: Date, daysAgo: number, hour = 9): string {
  const d = new Date(now.getTime() - daysAgo * 86_400_000);
  d.setUTCHours(hour, 30, 0, 0);
  return d.toISOString();
}

export function demoRegistry(now = new Date()): Required<RegistryData> {
  const families = new Map<string, Family>();
  const versions: ModelVersion[] = [];
  const runs: TrainingRun[] = [];
  let runNumber = 30;
  for (const demo of VERSIONS) {
    const family = families.get(demo.family);
    const version = (family?.latestVersion ?? 0) + 1;
    const registeredAt = at(now, demo.daysAgo);
    runNumber += 2;
    const runId = `tr-${runNumber}-${registeredAt.slice(0, 10).replaceAll('-', '')}`;
    const config = CONFIGS[demo.type === 'ranking' ? 'ranking' : 'retrieval']!;
    const id = versionId(demo.family, version);
    const name = demo.runName ?? id;
    const primary = demo.type === 'ranking' ? 'rmse' : 'recall_at_100';
    const threshold = demo.type === 'ranking' ? 0.5 : 0.7;
    const input: ModelVersionInput = {
      id, familyId: demo.family, name, modelType: demo.type, version, versionLabel: `v${version}`,
      blessed: demo.blessed, deployed: demo.deployed ?? false, metrics: demo.metrics,
      evaluation: {
        metric: primary, comparator: primary === 'rmse' ? '<=' : '>=', threshold,
        achieved: demo.blessed === null ? null : demo.metrics[primary] ?? null, blessed: demo.blessed,
      },
      config,
      artifacts: {
        modelUri: `gs://${BUCKET}/${runId}/pushed_model/1769254066`,
        metricsUri: `gs://${BUCKET}/${runId}/metrics.json`,
        transformUri: `gs://${BUCKET}/${runId}/transform`,
        // Placeholders: storeDemoArtifacts stores the files and sets these (and manifestDigest) from them.
        sizeBytes: 0, fileCount: 0, format: 'tf_saved_model',
        servingContainerImage: CONTAINER,
      },
      vertex: {
        state: 'mirrored', displayName: name, versionId: String(version),
        modelResourceName: `projects/demo-registry/locations/europe-central2/models/${demo.family}`,
        updatedAt: registeredAt, attempts: 1,
      },
      deployment: demo.deployed
        ? {
            endpoint: `projects/demo-registry/locations/europe-central2/endpoints/${demo.family}-endpoint`,
            deployedAt: at(now, Math.max(0, demo.daysAgo - 1), 15), deployedBy: 'ml-lead@example.com',
            machineType: 'n1-standard-4', minReplicas: 1, maxReplicas: 3, trafficPercent: 100,
          }
        : null,
      trainingRunId: String(runNumber), experimentId: `exp-${runNumber - 2}`, registeredAt,
      tags: [DEMO_TAG, demo.type], description: `[demo] ${demo.type} model trained on ${config.dataset?.name}`,
      aliases: [],
    };
    versions.push(ModelVersion.parse(input));
    runs.push(TrainingRun.parse({
      id: String(runNumber), name: `TR-${runNumber}`, runNumber, familyId: demo.family, modelType: demo.type,
      status: demo.blessed === false ? 'not_blessed' : 'completed', runId,
      experimentId: `exp-${runNumber - 2}`, experimentName: `Quick Test #${runNumber - 2}`,
      startedAt: at(now, demo.daysAgo, 6), completedAt: registeredAt, metrics: demo.metrics,
      blessed: demo.blessed, versionId: id, config, scheduleId: demo.family === 'recs-prod' ? 'demo-recs-weekly' : null,
    }));
    families.set(demo.family, {
      id: demo.family, name: demo.family, modelType: demo.type, description: '[demo]', tags: [DEMO_TAG],
      latestVersion: version, createdAt: family?.createdAt ?? registeredAt, updatedAt: registeredAt,
    });
  }
  // Failed runs make the calendar's red cells.
  for (const daysAgo of [20, 6]) {
    runNumber += 1;
    runs.push(TrainingRun.parse({
      id: String(runNumber), name: `TR-${runNumber}`, runNumber, familyId: 'ranking-q4', modelType: 'ranking', status: 'failed',
      runId: `tr-${runNumber}-x`, startedAt: at(now, daysAgo, 2), completedAt: at(now, daysAgo, 3),
      error: 'Trainer: OOM on worker 0 (n1-highmem-8)', scheduleId: 'demo-ranking-daily',
    }));
  }
  const created = at(now, 70);
  const schedule = (s: Partial<Schedule> & Pick<Schedule, 'id' | 'name' | 'familyId' | 'modelType' | 'type'>) =>
    Schedule.parse({ timeZone: 'Europe/Warsaw', pipelineTemplate: 'gs://b2b-recs-pipelines/tfx-recs.json', state: 'active', createdAt: created, updatedAt: created, createdBy: 'ml-lead@example.com', ...s });
  const schedules = [
    schedule({ id: 'demo-recs-weekly', name: 'recs-weekly-refresh', familyId: 'recs-prod', modelType: 'retrieval', type: 'weekly', dayOfWeek: 2, time: '09:00' }),
    schedule({ id: 'demo-ranking-daily', name: 'ranking-nightly', familyId: 'ranking-q4', modelType: 'ranking', type: 'cron', cron: '0 2 * * 1-5', timeZone: 'America/New_York' }),
    schedule({ id: 'demo-multitask-once', name: 'multitask-ctr-backfill', familyId: 'multitask-ctr', modelType: 'multitask', type: 'once', runAt: at(new Date(now.getTime() + 12 * 86_400_000), 0, 14) }),
  ];
  return { families: [...families.values()], versions, runs, schedules };
}
