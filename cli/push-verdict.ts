import { setTimeout as sleep } from 'node:timers/promises';
import type { RegistryClient } from '../shared/api-client/client';
import { call } from './session';

type PushAnswer = NonNullable<Awaited<ReturnType<typeof getPush>>['data']>;

const getPush = (client: RegistryClient, pushId: string) => client.GET('/api/pushes/{pushId}', { params: { path: { pushId } } });

/**
 * Polls `GET /api/pushes/{id}` (editor) until the registry has registered or refused the push:
 * its record, or null once `timeoutMs` has passed. Other answers than 404 (not recorded yet) throw.
 * `model-registry push` and `npm run push` both wait with it.
 */
export async function waitForPushVerdict(client: RegistryClient, pushId: string, timeoutMs: number, pollMs = 500): Promise<PushAnswer | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await getPush(client, pushId);
    const { data } = answer;
    if (data?.state === 'registered' || data?.state === 'failed') return data;
    if (!data && answer.response.status !== 404) await call(Promise.resolve(answer));
    if (Date.now() > deadline) return null;
    await sleep(pollMs);
  }
}
