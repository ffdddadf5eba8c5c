import type { ModelVersion } from '../schemas/model-version';
import { deriveStatus } from './status';

/**
 * The KPI row as counters: what each version contributes to them, so that every transaction that
 * creates, changes or deletes a version can add the difference, and the summary is a few reads.
 */

export const SUMMARY_COUNTS = ['total', 'blessed', 'deployed', 'idle', 'notBlessed', 'pending'] as const;
export type SummaryCount = (typeof SUMMARY_COUNTS)[number];
export type SummaryCounts = Record<SummaryCount, number>;

export function zeroCounts(): SummaryCounts {
  return { total: 0, blessed: 0, deployed: 0, idle: 0, notBlessed: 0, pending: 0 };
}

/** 1 in each count the version is part of; archived (and deleted) versions count in none. */
export function contribution(version: Pick<ModelVersion, 'archived' | 'blessed' | 'deployed'> | null): SummaryCounts {
  const counts = zeroCounts();
  if (!version || version.archived) return counts;
  counts.total = 1;
  if (version.blessed === true) counts.blessed = 1;
  const status = deriveStatus(version);
  counts[status === 'not_blessed' ? 'notBlessed' : status] = 1;
  return counts;
}

/** What changing `before` into `after` adds to each count (null: not there); only the counts that change. */
export function countsDelta(
  before: Pick<ModelVersion, 'archived' | 'blessed' | 'deployed'> | null,
  after: Pick<ModelVersion, 'archived' | 'blessed' | 'deployed'> | null,
): Partial<SummaryCounts> {
  const from = contribution(before);
  const to = contribution(after);
  const delta: Partial<SummaryCounts> = {};
  for (const key of SUMMARY_COUNTS) if (to[key] !== from[key]) delta[key] = to[key] - from[key];
  return delta;
}

export function addCounts(a: SummaryCounts, b: Partial<SummaryCounts>): SummaryCounts {
  const sum = { ...a };
  for (const key of SUMMARY_COUNTS) sum[key] += b[key] ?? 0;
  return sum;
}
