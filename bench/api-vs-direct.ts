/**
 * One dashboard call through the API against the one Firestore query a developer would write for
 * the same data, timed alternately (issue 15: API p95 ≤ 2× the query's). Shared by
 * bench/dashboard-calls.ts and bench/calendar.ts.
 */
import { once } from 'node:events';
import { Agent } from 'node:http';
import request from 'supertest';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { buildApi } from '../functions/src/functions/api';
import type { ApiConfig } from '../functions/src/config';
import { percentile, round } from './stats';

export interface CallRow {
  versions: number;
  call: string;
  route: string;
  direct: string;
  requests: number;
  apiP50: number;
  apiP95: number;
  directP50: number;
  directP95: number;
  /** API p95 / direct p95 (goal ≤ 2). */
  ratio: number;
}

export interface Call {
  call: string;
  route: string;
  /** The hand-written query, as a reader sees it in the report. */
  direct: string;
  query: () => Promise<unknown>;
  /** What is requested when it differs from what the report shows (a cursor). */
  apiRoute?: string;
}

/**
 * GETs through the API in process: supertest against the functions-framework server. The server
 * listens once and the client keeps its connection alive, as a deployed instance and a browser do.
 * Requests wait for that listen: supertest takes a server not yet listening for one of its own and
 * closes and reopens it around every request, which no deployment pays.
 */
export function apiGetter(name: string, config: ApiConfig, token: string): (route: string) => Promise<request.Response> {
  http(name, buildApi(config));
  const server = getTestServer(name).listen(0, '127.0.0.1').unref();
  const listening = once(server, 'listening');
  const agent = new Agent({ keepAlive: true });
  return async (route) => {
    await listening;
    const res = await request(server).get(route).agent(agent).set('Authorization', `Bearer ${token}`);
    if (res.status !== 200) throw new Error(`${route} answered ${res.status}`);
    return res;
  };
}

/** How long a fast call keeps sampling past its minimum. */
const EXTRA_SAMPLES_MS = 4000;

/**
 * p50/p95 of one call through the API and of its direct query, taken alternately (which goes
 * first flips each round) so that load from other processes on the machine falls on both alike.
 * `versions` is the registry's size (for the calendar: its runs in the window, named by `unit`).
 */
export async function measureCall(versions: number, call: Call, api: (route: string) => Promise<request.Response>, requests: number, unit = 'versions'): Promise<CallRow> {
  const route = call.apiRoute ?? call.route;
  const timed = async (f: () => Promise<unknown>, into: number[]) => { const t = performance.now(); await f(); into.push(performance.now() - t); };
  const warm: number[] = [];
  for (let i = 0; i < 2; i++) { await timed(() => api(route), warm); await timed(call.query, warm); }
  const viaApi: number[] = [];
  const direct: number[] = [];
  // At least `requests` pairs; a fast call takes more (up to 5×, within a few seconds), since a p95
  // of 60 samples is decided by its three slowest, and one GC pause moves it.
  const started = performance.now();
  const enough = (i: number) => i >= requests && (i >= 5 * requests || performance.now() - started > EXTRA_SAMPLES_MS);
  for (let i = 0; !enough(i); i++) {
    if (i % 2 === 0) { await timed(() => api(route), viaApi); await timed(call.query, direct); }
    else { await timed(call.query, direct); await timed(() => api(route), viaApi); }
  }
  const row = {
    versions, call: call.call, route: call.route, direct: call.direct, requests: viaApi.length,
    apiP50: round(percentile(viaApi, 50)), apiP95: round(percentile(viaApi, 95)),
    directP50: round(percentile(direct, 50)), directP95: round(percentile(direct, 95)),
    ratio: round(percentile(viaApi, 95) / percentile(direct, 95), 2),
  };
  console.log(`  ${versions} ${unit}, ${call.call}: API p95 ${row.apiP95} ms, direct p95 ${row.directP95} ms (${row.ratio}×)`);
  return row;
}
