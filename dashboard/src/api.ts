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

type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

function withQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function errorFrom(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as ErrorBody | null;
  const error = body?.error;
  if (error && typeof error.code === 'string') return new ApiError(res.status, error.code, error.message, error.fields);
  return new ApiError(res.status, `HTTP_${res.status}`, `The server answered ${res.status} ${res.statusText}`.trim());
}

/** The registry's HTTP API on the same origin; every call carries the bearer token. */
export class Api {
  constructor(
    private readonly token: () => string | null,
    /** Called on 401, before the error is thrown: the token is bad or expired. */
    private readonly onUnauthenticated: (error: ApiError) => void,
  ) {}

  private async send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(withQuery(path, opts.query), {
        method, headers, signal: opts.signal,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK', 'The registry API cannot be reached.');
    }
    if (res.ok) return res;
    const error = await errorFrom(res);
    if (res.status === 401) this.onUnauthenticated(error);
    throw error;
  }

  async get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.send('GET', path, opts)).json() as Promise<T>;
  }

  async post<T>(path: string, body: unknown = {}, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send('POST', path, { ...opts, body });
    return (res.status === 204 ? null : await res.json()) as T;
  }

  /** A file answer (the ZIP download): its bytes and the name the server suggests. */
  async file(path: string, fallbackName: string): Promise<{ blob: Blob; name: string }> {
    const res = await this.send('GET', path, {});
    const disposition = res.headers.get('content-disposition') ?? '';
    const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
    return { blob: await res.blob(), name: name ? decodeURIComponent(name) : fallbackName };
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
