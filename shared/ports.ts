import type { ModelSort, ModelStatusFilter, SummaryResponse } from './schemas/api';
import type { ModelType } from './schemas/common';
import type { Family } from './schemas/family';
import type { ModelVersion } from './schemas/model-version';
import type { TrainingRun } from './schemas/training-run';

/** Interfaces the adapters implement; use cases depend on these, never on a Google client. */

export interface ListVersionsParams {
  modelType?: ModelType;
  status?: ModelStatusFilter;
  sort: ModelSort;
  search?: string;
  pageSize: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface VersionReader {
  list(params: ListVersionsParams): Promise<Page<ModelVersion>>;
  get(id: string): Promise<ModelVersion | null>;
  /** A family's versions, newest first, at most `limit`. */
  familyHistory(familyId: string, limit: number): Promise<ModelVersion[]>;
  summary(): Promise<SummaryResponse>;
}

export interface TrainingRunReader {
  get(id: string): Promise<TrainingRun | null>;
  /** A family's runs, newest first, at most `limit`. */
  familyRuns(familyId: string, limit: number): Promise<TrainingRun[]>;
  /** The run that produced a version (its `versionId` back link), or null. */
  runOfVersion(versionId: string): Promise<TrainingRun | null>;
}

export interface FamilyReader {
  get(id: string): Promise<Family | null>;
}

export type Role = 'viewer' | 'editor' | 'deployer';

export interface RoleDirectory {
  /** The role stored for this email, or null when none is. */
  roleOf(email: string): Promise<Role | null>;
}

export interface Clock {
  now(): Date;
}

/** Counts document reads so that the bench can prove reads per page stay flat. */
export interface ReadMeter {
  add(documents: number): void;
}
