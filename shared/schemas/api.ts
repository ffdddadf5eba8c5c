import { z } from 'zod';
import { ModelType, queryInteger } from './common';
import type { ModelVersion, VersionStatus } from './model-version';
import type { StatusBadge } from '../domain/status';
import type { PrimaryMetric } from '../domain/primary-metric';
import type { MetricDelta } from '../domain/metric-deltas';
import type { TrainingRun } from './training-run';

export const MODEL_STATUS_FILTERS = ['blessed', 'not_blessed', 'deployed', 'idle', 'pending'] as const;
export const MODEL_SORTS = ['latest', 'oldest', 'best', 'name'] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];
export type ModelStatusFilter = (typeof MODEL_STATUS_FILTERS)[number];

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** Query strings arrive as strings (or arrays when repeated); a repeated parameter is an error. */
const single = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), schema);

export const ListModelsQuery = z.strictObject({
  model_type: single(ModelType).optional(),
  status: single(z.enum(MODEL_STATUS_FILTERS)).optional(),
  sort: single(z.enum(MODEL_SORTS)).default('latest'),
  search: single(z.string().trim().max(100)).optional().transform((s) => (s ? s : undefined)),
  page_size: queryInteger(1, MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: single(z.string().min(1).max(1000)).optional(),
});
export type ListModelsQuery = z.output<typeof ListModelsQuery>;

export const EmptyQuery = z.strictObject({});

/** The query of a plain paged list. */
export const PageQuery = z.strictObject({
  page_size: queryInteger(1, MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: single(z.string().min(1).max(1000)).optional(),
});

export const VersionIdParam = z.string().min(1).max(200).regex(/^[a-z0-9][a-z0-9_-]*-v[0-9]+$/, 'is not a version id (expected <family>-v<n>)');

/** Where a version id is accepted, so is an alias or version reference (resolved before the route runs). */
export const VersionRefParam = z.string().min(1).max(300)
  .describe('A version: its id (`<family>-v<n>`), `<family>@v<n>` or `<family>@<alias>` such as `fraud@prod`');

/** What the API returns for a version: the stored version plus what is derived from it. */
export type ModelVersionView = ModelVersion & {
  status: VersionStatus;
  badge: StatusBadge;
  primaryMetric: PrimaryMetric | null;
};

export interface ListModelsResponse {
  items: ModelVersionView[];
  nextCursor: string | null;
  pageSize: number;
}

export interface SummaryResponse {
  total: number;
  blessed: number;
  deployed: number;
  idle: number;
  notBlessed: number;
  pending: number;
  latest: { versionId: string; name: string; registeredAt: string } | null;
}

export interface VersionHistoryEntry extends ModelVersionView {
  /** Change of every metric since the previous version of the family (null for the first). */
  deltas: MetricDelta[];
  previousVersion: number | null;
}

export interface VersionsResponse {
  familyId: string;
  versionId: string;
  items: VersionHistoryEntry[];
}

export interface LineageNode {
  id: string;
  kind: 'experiment' | 'training_run' | 'model' | 'dataset' | 'feature_config' | 'model_config';
  label: string;
  detail: string;
  status?: string;
  metric?: { label: string; value: number } | null;
}

export interface LineageResponse {
  versionId: string;
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
  relatedRuns: (Pick<TrainingRun, 'id' | 'name' | 'status' | 'completedAt' | 'blessed' | 'versionId'> & {
    primaryMetric: PrimaryMetric | null;
    isThisModel: boolean;
  })[];
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[]; [k: string]: unknown };
}
