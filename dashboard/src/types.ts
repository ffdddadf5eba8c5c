/**
 * The API's shapes, taken from shared/ as types only (nothing from shared/ that pulls zod or luxon
 * reaches the bundle), plus the shapes of endpoints other engineers are adding.
 */
import type {
  LineageNode, LineageResponse, ListModelsResponse, ModelSort, ModelStatusFilter, ModelVersionView,
  SummaryResponse, VersionHistoryEntry, VersionsResponse,
} from '../../shared/schemas/api';
import type { HistoricalRun, ScheduledSlot } from '../../shared/domain/calendar';
import type { CalendarDay, CalendarGrid } from '../../shared/domain/calendar-grid';
import type { ManifestEntry } from '../../shared/domain/manifest';
import type { ModelType } from '../../shared/schemas/common';
import type { Role } from '../../shared/ports';

export type {
  LineageNode, LineageResponse, ListModelsResponse, ManifestEntry, ModelSort, ModelStatusFilter, ModelType,
  ModelVersionView, Role, SummaryResponse, VersionHistoryEntry, VersionsResponse,
};

/** A scheduled slot; the seed's shape is the minimum, the current API adds description, fire time and family. */
export type CalendarScheduled = Pick<ScheduledSlot, 'scheduleId' | 'name' | 'type' | 'scheduleType'>
  & Partial<Pick<ScheduledSlot, 'description' | 'fireTime' | 'familyId' | 'fires'>>;

/** A day's runs of one schedule (the seed's shape, one run, is the minimum; the API adds counts). */
export type CalendarHistorical = Pick<HistoricalRun, 'runId' | 'name' | 'status' | 'type'>
  & Partial<Pick<HistoricalRun, 'versionId' | 'familyId' | 'at' | 'label' | 'runs' | 'statuses'>>;

/** The grid: per day counts and the first few names (`GET /api/training-schedules/calendar`). */
export type CalendarData = CalendarGrid;

/** One day's every entry, for the popover (`GET /api/training-schedules/calendar/days/{date}`). */
export type CalendarDayEntries = CalendarDay;

/** `POST /api/models/{id}/deploy` (coming). */
export interface DeployRequest {
  machineType?: string;
  minReplicas?: number;
  maxReplicas?: number;
  trafficPercent?: number;
  force?: boolean;
  reason?: string;
}

/** What deploy/undeploy answer (coming): the version's new state and the versions it replaced. */
export interface DeploymentResult {
  changed: boolean;
  version: ModelVersionView;
  replaced: string[];
}

/** `POST /api/families/{familyId}/versions:promote` (coming; seed 003). */
export interface PromoteRequest {
  trainingRunId?: string;
  gcsPrefix?: string;
  label?: string;
}

/** One line of `GET /api/models/{id}/deployments` (coming): a deploy or undeploy attempt. */
export interface DeploymentEvent {
  at: string;
  action: 'deployed' | 'undeployed' | 'deploy_failed' | 'undeploy_failed' | string;
  endpoint: string | null;
  actor: string;
  machineType?: string | null;
  replicas?: { min: number; max: number } | null;
  force?: boolean;
  reason?: string | null;
  error?: { code: string; message: string } | null;
}

/**
 * A version may carry its manifest's files once the content-addressed store lands; the Artifacts
 * tab lists them when present and stays quiet when not.
 */
export type VersionDetail = ModelVersionView & {
  manifest?: { files?: ManifestEntry[] } | ManifestEntry[] | null;
};
