import { ModelVersion, type ModelVersionInput } from '../../shared/schemas/model-version';
import { TrainingRun } from '../../shared/schemas/training-run';
import type { ModelType } from '../../shared/schemas/common';
import { versionId } from '../../shared/domain/display-name';

const DAY = 86_400_000;
const BASE = Date.parse('2026-06-01T12:00:00Z');

/** A valid version with sensible defaults; tests override what they assert on. */
export function makeVersion(over: Partial<ModelVersionInput> & { familyId?: string; version?: number; modelType?: ModelType } = {}): ModelVersion {
  const familyId = over.familyId ?? 'recs-prod';
  const version = over.version ?? 1;
  const modelType = over.modelType ?? 'retrieval';
  return ModelVersion.parse({
    id: versionId(familyId, version),
    familyId,
    name: `${familyId}-v${version}`,
    modelType,
    version,
    versionLabel: `v${version}`,
    blessed: true,
    deployed: false,
    metrics: modelType === 'ranking' ? { rmse: 0.5, loss: 0.3 } : { recall_at_100: 0.8, recall_at_50: 0.6, loss: 0.3 },
    artifacts: {
      modelUri: `gs://pushes/tr-${version}-20260601/pushed_model/1`,
      servingContainerImage: 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-12:latest',
    },
    vertex: { state: 'mirrored', displayName: `${familyId}-v${version}`, modelResourceName: `projects/p/locations/l/models/${familyId}` },
    registeredAt: new Date(BASE + version * DAY).toISOString(),
    ...over,
  });
}

export function makeRun(over: Partial<TrainingRun> & { id: string }): TrainingRun {
  return TrainingRun.parse({
    name: `TR-${over.id}`,
    runNumber: 1,
    familyId: 'recs-prod',
    modelType: 'retrieval',
    status: 'completed',
    runId: `tr-${over.id}-20260601`,
    ...over,
  });
}
