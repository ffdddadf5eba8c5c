/**
 * The clients of the dashboard burst: each request of the mix alone first (a warm instance, as the
 * dashboard meets it), then `count` requests all in flight at once. Runs in the bench's process or,
 * forked (`fork(this file)` + one IPC message), in a process of its own, as the browsers of a
 * real burst are: in the stack's process the 500 fetches (connect, write, inflate, JSON.parse)
 * share the API's event loop, so the clients themselves pace when requests reach the API.
 */
export interface DashboardRequest { kind: string; path: string }

export interface BurstJob {
  url: string;
  token: string;
  mix: DashboardRequest[];
  count: number;
  /** A request still unanswered after this counts as an error. */
  timeoutMs: number;
}

export interface BurstTimes {
  /** Each kind's requests alone (ms). */
  unloaded: Record<string, number[]>;
  results: { kind: string; ms: number; error: string | null }[];
  wallMs: number;
}

/** An error is anything but a 200 with a JSON body. */
export async function fireDashboardBurst({ url, token, mix, count, timeoutMs }: BurstJob): Promise<BurstTimes> {
  const get = async (path: string) => {
    const t = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${path}`);
    JSON.parse(body);
    return performance.now() - t;
  };
  const unloaded: Record<string, number[]> = {};
  for (const { kind, path } of mix) {
    await get(path);
    for (let i = 0; i < 3; i++) (unloaded[kind] ??= []).push(await get(path));
  }
  const results: BurstTimes['results'] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const { kind, path } = mix[i % mix.length]!;
    const t = performance.now();
    let error: string | null = null;
    try {
      await get(path);
    } catch (e) {
      error = (e as Error).message;
    }
    results.push({ kind, ms: performance.now() - t, error });
  }));
  return { unloaded, results, wallMs: Math.round(performance.now() - started) };
}

if (require.main === module && process.send) {
  process.once('message', (job: BurstJob) => {
    void fireDashboardBurst(job).then(
      (times) => process.send!({ times }, () => process.exit(0)),
      (error: Error) => process.send!({ error: error.stack ?? String(error) }, () => process.exit(1)),
    );
  });
}
