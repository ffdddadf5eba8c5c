import request from 'supertest';
import type { Firestore } from '@google-cloud/firestore';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { seedRegistry } from '../dev/demo/seed';
import { buildApi } from '../functions/src/functions/api';
import type { ApiConfig } from '../functions/src/config';
import { FirestoreVersionRepository } from '../functions/src/adapters/firestore/version-repository';
import { lazyFirestore } from '../functions/src/adapters/firestore/client';
import { ModelVersion } from '../shared/schemas/model-version';
import { versionId } from '../shared/domain/display-name';
import { MODEL_TYPES } from '../shared/schemas/common';
import { percentile, round } from './stats';

const WORDS = ['recs', 'ranking', 'hybrid', 'ctr', 'prod', 'staging', 'q4', 'weekly', 'retriv', 'chern', 'alpha', 'beta'];

/** A synthetic registry of n versions across 200 families, with varied names, types and statuses. */
export function syntheticVersions(n: number, offset = 0): ModelVersion[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const familyId = `${WORDS[i % WORDS.length]}-${WORDS[(i * 7) % WORDS.length]}-${i % 200}`;
    const modelType = MODEL_TYPES[i % 4]!;
    const version = Math.floor(i / 200) + 1;
    return ModelVersion.parse({
      id: versionId(familyId, version), familyId, name: `${familyId}-v${version}`, modelType, version, versionLabel: `v${version}`,
      blessed: i % 7 === 0 ? null : i % 5 !== 0, deployed: i % 11 === 0,
      metrics: modelType === 'ranking' ? { rmse: 0.3 + (i % 50) / 100 } : { recall_at_100: 0.5 + (i % 50) / 100 },
      artifacts: { modelUri: `gs://bench/${i}/pushed_model/1`, servingContainerImage: 'img' },
      vertex: { state: 'mirrored', displayName: familyId },
      registeredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    });
  });
}

export interface ReadCostRow {
  versions: number;
  listPageReads: number;
  searchPageReads: number;
  filteredSearchReads: number;
  summaryReads: number;
  pageSize: number;
}

export async function readsPerPage(projectId: string, versions: number): Promise<ReadCostRow> {
  let reads = 0;
  const repo = new FirestoreVersionRepository(lazyFirestore({ projectId, databaseId: '(default)' }), { add: (n) => { reads += n; } });
  const measure = async (f: () => Promise<unknown>) => { reads = 0; await f(); return reads; };
  const pageSize = 25;
  const first = await repo.list({ sort: 'latest', pageSize });
  const listPageReads = await measure(() => repo.list({ sort: 'latest', pageSize, cursor: first.nextCursor ?? undefined }));
  const searchPageReads = await measure(() => repo.list({ sort: 'latest', pageSize, search: 'prod' }));
  const filteredSearchReads = await measure(() => repo.list({ sort: 'best', pageSize, search: 'q4', status: 'idle', modelType: 'retrieval' }));
  const summaryReads = await measure(() => repo.summary());
  return { versions, listPageReads, searchPageReads, filteredSearchReads, summaryReads, pageSize };
}

export interface LatencyRow { route: string; requests: number; p50: number; p95: number; p99: number }

export async function apiLatencies(config: ApiConfig, token: string, requests = 20): Promise<LatencyRow[]> {
  http('bench-api', buildApi(config));
  const server = getTestServer('bench-api');
  // The emulator answers array-contains by scanning every token of every document (seconds at
  // 10,000 versions), so search gets fewer samples than the indexed routes.
  const routes: [string, number][] = [
    ['/api/models?page_size=25', requests], ['/api/models?status=idle&sort=best', requests],
    ['/api/models/summary', requests], ['/api/models?search=prod&page_size=25', Math.min(requests, 5)],
  ];
  const rows: LatencyRow[] = [];
  for (const [route, count] of routes) {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      const res = await request(server).get(route).set('Authorization', `Bearer ${token}`);
      if (res.status !== 200) throw new Error(`${route} answered ${res.status}`);
      times.push(performance.now() - t);
    }
    console.log(`  ${route}: p95 ${round(percentile(times, 95))} ms`);
    rows.push({ route, requests: count, p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), p99: round(percentile(times, 99)) });
  }
  return rows;
}

export async function seedSynthetic(db: Firestore, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 2000) {
    await seedRegistry(db, { versions: syntheticVersions(Math.min(2000, to - start), start) });
  }
}
