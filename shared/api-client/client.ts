import createClient from 'openapi-fetch';
import type { paths } from './paths';

export type { paths } from './paths';
export type RegistryClient = ReturnType<typeof createClient<paths>>;

export interface RegistryClientOptions {
  /** Origin of the API (`http://127.0.0.1:8080`); empty for the page's own origin. */
  baseUrl: string;
  /** The bearer token of each request (may be fetched, e.g. from gcloud); null sends none. */
  token: () => string | null | Promise<string | null>;
  fetch?: typeof globalThis.fetch;
}

/**
 * The typed client of the registry API, generated from its OpenAPI document (`paths.ts`): the
 * dashboard and the CLI call the API through it, so the document is what they are built against.
 */
export function createRegistryClient({ baseUrl, token, fetch }: RegistryClientOptions): RegistryClient {
  const client = createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
  client.use({
    async onRequest({ request }) {
      const bearer = await token();
      if (bearer) request.headers.set('authorization', `Bearer ${bearer}`);
      return request;
    },
  });
  return client;
}
