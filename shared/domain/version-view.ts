import type { ModelVersionView } from '../schemas/api';
import type { ModelVersion } from '../schemas/model-version';
import { primaryMetric } from './primary-metric';
import { deriveStatus, STATUS_BADGES } from './status';

export function toVersionView(version: ModelVersion): ModelVersionView {
  const status = deriveStatus(version);
  return { ...version, status, badge: STATUS_BADGES[status], primaryMetric: primaryMetric(version.modelType, version.metrics) };
}
