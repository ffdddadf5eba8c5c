import { DomainError, NotFoundError } from '../../../shared/errors';
import type { Clock, VersionReader } from '../../../shared/ports';
import type { ServingFiguresReader } from '../../../shared/registry-ports';
import type { MonitoringResponse, MonitoringWindow } from '../../../shared/schemas/monitoring';

const WINDOWS: Record<MonitoringWindow, { spanMs: number; bucketMs: number }> = {
  hour: { spanMs: 60 * 60_000, bucketMs: 5 * 60_000 },
  day: { spanMs: 24 * 60 * 60_000, bucketMs: 60 * 60_000 },
};

/** The Deployment tab's live figures of a deployed version (and what canary guards judge by). */
export class ServingMonitor {
  constructor(private readonly deps: { versions: VersionReader; figures: ServingFiguresReader; clock: Clock }) {}

  async figures(versionId: string, window: MonitoringWindow): Promise<MonitoringResponse> {
    const version = await this.deps.versions.get(versionId);
    if (!version) throw new NotFoundError('Model version', versionId);
    const deployment = version.deployed ? version.deployment : null;
    if (!deployment?.deployedModelId) throw new DomainError('NOT_DEPLOYED', `Model version '${versionId}' is not deployed: it has no serving figures`, { versionId });
    const { spanMs, bucketMs } = WINDOWS[window];
    const end = this.deps.clock.now();
    const start = new Date(end.getTime() - spanMs);
    const figures = await this.deps.figures.figures({ endpoint: deployment.endpoint, deployedModelId: deployment.deployedModelId, start, end, bucketMs });
    return {
      versionId, endpoint: deployment.endpoint, deployedModelId: deployment.deployedModelId, trafficPercent: deployment.trafficPercent,
      window, start: start.toISOString(), end: end.toISOString(), bucketMinutes: bucketMs / 60_000, ...figures,
    };
  }
}
