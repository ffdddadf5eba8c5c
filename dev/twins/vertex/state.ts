import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { IdSequence } from './names';
import type { Endpoint, Model, PipelineJob } from './types';

/** A registered model: one resource name, its versions in upload order. */
export interface ModelRecord {
  name: string;
  versions: Model[];
  /** Version ids are never reused, even after a version is deleted. */
  nextVersionId: number;
}

interface Snapshot {
  nextId: number;
  models: ModelRecord[];
  endpoints: Endpoint[];
  pipelineJobs: PipelineJob[];
}

/**
 * The twin's resources, in memory; with a file, reloaded from it at start and saved after every change
 * (so that `npm start` keeps its registry across restarts). Pending operations are not saved.
 */
export class StateStore {
  readonly models = new Map<string, ModelRecord>();
  readonly endpoints = new Map<string, Endpoint>();
  readonly pipelineJobs = new Map<string, PipelineJob>();
  readonly ids: IdSequence;

  constructor(private readonly file?: string) {
    const snapshot = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Snapshot) : undefined;
    this.ids = new IdSequence(snapshot?.nextId);
    for (const model of snapshot?.models ?? []) this.models.set(model.name, model);
    for (const endpoint of snapshot?.endpoints ?? []) this.endpoints.set(endpoint.name!, endpoint);
    for (const job of snapshot?.pipelineJobs ?? []) this.pipelineJobs.set(job.name!, job);
  }

  /** Records that something changed (writes the file, atomically, when there is one). */
  changed(): void {
    if (!this.file) return;
    const snapshot: Snapshot = {
      nextId: this.ids.value,
      models: [...this.models.values()],
      endpoints: [...this.endpoints.values()],
      pipelineJobs: [...this.pipelineJobs.values()],
    };
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot));
    renameSync(temporary, this.file);
  }
}
