import { createRegistryClient, type RegistryClient } from '../../shared/api-client/client';
import type { ErrorBody } from '../../shared/schemas/api';

/** An API failure with the server's stable code (or NETWORK when it could not be reached). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { path: string; message: string }[] = [],
  ) {
    super(message);
  }

  /** The server does not have this route (yet): an endpoint another engineer is still adding. */
  get routeMissing(): boolean {
    return this.status === 405 || (this.status === 404 && (this.code === 'ROUTE_NOT_FOUND' || this.code === 'HTTP_404'));
  }
}

async function errorFrom(res: Response, body: unknown): Promise<ApiError> {
  const error = (body as ErrorBody | undefined)?.error;
  if (error && typeof error.code === 'string') return new ApiError(res.status, error.code, error.message, error.fields);
  return new ApiError(res.status, `HTTP_${res.status}`, `The server answered ${res.status} ${res.statusText}`.trim());
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/**
 * The registry's HTTP API on the same origin, through the client generated from its OpenAPI
 * document: paths, parameters, bodies and answers are typed by the server's own schemas.
 */
export class Api {
  readonly client: RegistryClient;

  constructor(
    token: () => string | null,
    /** Called on 401, before the error is thrown: the token is bad or expired. */
    private readonly onUnauthenticated: (error: ApiError) => void,
  ) {
    this.client = createRegistryClient({ baseUrl: location.origin, token });
  }

  /** `api.call((c) => c.GET('/api/models/{id}', { params: { path: { id } } }))`: the answer's body, or an ApiError. */
  async call<T>(request: (client: RegistryClient) => Promise<Answer<T>>): Promise<T> {
    let answer: Answer<T>;
    try {
      answer = await request(this.client);
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError(0, 'NETWORK', 'The registry API cannot be reached.');
    }
    if (answer.response.ok) return answer.data as T;
    const error = await errorFrom(answer.response, answer.error);
    if (answer.response.status === 401) this.onUnauthenticated(error);
    throw error;
  }

  /** The ZIP download: its bytes and the name the server suggests. */
  async download(id: string, fallbackName: string): Promise<{ blob: Blob; name: string }> {
    let response: Response | undefined;
    // openapi-fetch reads an error answer as JSON whatever `parseAs` says.
    const blob = await this.call(async (c) => {
      const answer = await c.GET('/api/models/{id}/download', { params: { path: { id } }, parseAs: 'blob' });
      response = answer.response;
      return answer;
    });
    const disposition = response?.headers.get('content-disposition') ?? '';
    const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
    return { blob: blob as Blob, name: name ? decodeURIComponent(name) : fallbackName };
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** The sentence to show for a failure. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.routeMissing) return 'This action is not available on this server yet.';
    if (error.status === 403) return `Your role does not allow this (${error.message}).`;
    const fields = error.fields.map((f) => `${f.path} ${f.message}`).join('; ');
    return fields ? `${error.message}: ${fields}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
