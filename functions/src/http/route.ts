import type { Request, Response } from '@google-cloud/functions-framework';
import type { Role } from '../../../shared/ports';
import type { Principal } from './auth';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext {
  req: Request;
  res: Response;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** null only on public routes. */
  principal: Principal | null;
}

/** A JSON reply, or `null` when the handler has written the response itself (streams). */
export type Reply = { status?: number; body: unknown; headers?: Record<string, string> } | null;

export interface Route {
  method: HttpMethod;
  path: string;
  /** The lowest role allowed; `public` routes skip authentication (health only). */
  role: Role | 'public';
  handle(ctx: RouteContext): Promise<Reply>;
}
