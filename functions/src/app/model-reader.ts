import { NotFoundError } from '../../../shared/errors';
import type { ListVersionsParams, TrainingRunReader, VersionReader } from '../../../shared/ports';
import type {
  LineageNode, LineageResponse, ListModelsResponse, ModelVersionView, SummaryResponse, VersionsResponse,
} from '../../../shared/schemas/api';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { familyOfVersionId } from '../../../shared/domain/display-name';
import { metricDeltas } from '../../../shared/domain/metric-deltas';
import { primaryMetric } from '../../../shared/domain/primary-metric';
import { toVersionView } from '../../../shared/domain/version-view';

/** Versions shown in a family's history; older ones are summarised by the count. */
export const HISTORY_LIMIT = 200;
const RELATED_RUNS_LIMIT = 20;

/** Read-side use cases of the registry: list, detail, history, lineage, KPI summary. */
export class ModelReader {
  constructor(private readonly versions: VersionReader, private readonly runs: TrainingRunReader) {}

  async list(params: ListVersionsParams): Promise<ListModelsResponse> {
    const page = await this.versions.list(params);
    return { items: page.items.map(toVersionView), nextCursor: page.nextCursor, pageSize: params.pageSize };
  }

  summary(): Promise<SummaryResponse> {
    return this.versions.summary();
  }

  async get(id: string): Promise<ModelVersionView> {
    const version = await this.versions.get(id);
    if (!version) throw new NotFoundError('Model version', id);
    return toVersionView(version);
  }

  async history(id: string): Promise<VersionsResponse> {
    const { familyId, family } = await this.familyHistoryOf(id);
    const items = family.map((v, i) => {
      const previous = family[i + 1] ?? null; // newest first, so the previous version is next
      return {
        ...toVersionView(v),
        deltas: metricDeltas(previous?.metrics ?? null, v.metrics),
        previousVersion: previous?.version ?? null,
      };
    });
    return { familyId, versionId: id, items };
  }

  /**
   * The version's family and its newest versions. The id names the family, so its history is read
   * first and, holding the version, proves it exists (one query); otherwise (an older or archived
   * version) the version is read, a 404 when it does not exist.
   */
  private async familyHistoryOf(id: string): Promise<{ familyId: string; family: ModelVersion[] }> {
    const named = familyOfVersionId(id);
    const guessed = named ? await this.versions.familyHistory(named, HISTORY_LIMIT) : [];
    if (named && guessed.some((v) => v.id === id)) return { familyId: named, family: guessed };
    const { familyId } = await this.get(id);
    return { familyId, family: familyId === named ? guessed : await this.versions.familyHistory(familyId, HISTORY_LIMIT) };
  }

  async lineage(id: string): Promise<LineageResponse> {
    // All at once rather than one after the other: the id names the family, and the run that
    // produced the version links back to it. The version's own `trainingRunId` decides; the run is
    // read by that id only when neither read found it.
    const named = familyOfVersionId(id);
    const [version, guessedRuns, linkedRun] = await Promise.all([
      this.get(id),
      named ? this.runs.familyRuns(named, RELATED_RUNS_LIMIT) : Promise.resolve(null),
      this.runs.runOfVersion(id),
    ]);
    const familyRuns = named === version.familyId && guessedRuns ? guessedRuns : await this.runs.familyRuns(version.familyId, RELATED_RUNS_LIMIT);
    const runId = version.trainingRunId;
    const found = [linkedRun, ...familyRuns].find((r) => r?.id === runId);
    const run = runId ? found ?? await this.runs.get(runId) : null;
    const nodes: LineageNode[] = [];
    const edges: LineageResponse['edges'] = [];
    const config = run?.config ?? version.config;
    const model: LineageNode = {
      id: `model:${version.id}`, kind: 'model', label: version.name,
      detail: `${version.versionLabel} · ${version.modelType}`, status: version.badge,
      metric: version.primaryMetric ? { label: version.primaryMetric.label, value: version.primaryMetric.value } : null,
    };
    nodes.push(model);
    let upstream = model.id;
    if (run) {
      const runMetric = primaryMetric(run.modelType, run.metrics);
      nodes.push({
        id: `run:${run.id}`, kind: 'training_run', label: run.name, detail: run.runId, status: run.status,
        metric: runMetric ? { label: runMetric.label, value: runMetric.value } : null,
      });
      edges.push({ from: `run:${run.id}`, to: model.id });
      upstream = `run:${run.id}`;
      if (run.experimentId) {
        nodes.unshift({ id: `experiment:${run.experimentId}`, kind: 'experiment', label: run.experimentName ?? run.experimentId, detail: run.experimentId });
        edges.unshift({ from: `experiment:${run.experimentId}`, to: upstream });
      }
    }
    const parts = [
      ['dataset', config.dataset],
      ['feature_config', config.featureConfig],
      ['model_config', config.modelConfig],
    ] as const;
    for (const [kind, part] of parts) {
      if (!part) continue;
      const nodeId = `${kind}:${part.id ?? part.name}`;
      nodes.push({ id: nodeId, kind, label: part.name, detail: part.summary });
      edges.push({ from: nodeId, to: upstream });
    }
    const relatedRuns = familyRuns.map((r) => ({
      id: r.id, name: r.name, status: r.status, completedAt: r.completedAt, blessed: r.blessed, versionId: r.versionId,
      primaryMetric: primaryMetric(r.modelType, r.metrics),
      isThisModel: r.id === version.trainingRunId,
    }));
    return { versionId: id, nodes, edges, relatedRuns };
  }
}
