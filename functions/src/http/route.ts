import type { Request, Response } from '@google-cloud/functions-framework';
import type { z } from 'zod';
import type { ErrorCode } from '../../../shared/errors';
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

export interface ResponseDoc {
  description: string;
  /** Absent: no body (204). */
  schema?: z.ZodType;
  /** Default `application/json`; a binary type is documented as a byte stream. */
  contentType?: string;
}

/**
 * What the OpenAPI document says of a route. The schemas are the ones the handler validates with
 * and the ones its answers are checked against, so the document cannot drift from the code.
 */
export interface RouteDoc {
  operationId: string;
  summary: string;
  description?: string;
  /** Path parameters by name (as in `:name`). */
  params?: Record<string, z.ZodType>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body may be left out (routes whose every field is optional). */
  bodyOptional?: boolean;
  responses: Partial<Record<200 | 201 | 204, ResponseDoc>>;
  /** Codes this route answers beyond those every route can (authentication, validation, internal). */
  errors?: ErrorCode[];
}

export interface Route {
  method: HttpMethod;
  path: string;
  /** The lowest role allowed; `public` routes skip authentication (health and the API document). */
  role: Role | 'public';
  /**
   * GETs only: concurrent identical requests (route, params, query) share one computation and its
   * reply (read-coalescer.ts). `any-caller`: the answer does not depend on who asks (the role is
   * still checked for each); `per-caller`: shared only among requests of one subject. Absent: each
   * request computes its own — required for handlers that write the response themselves.
   */
  coalesce?: 'any-caller' | 'per-caller';
  doc: RouteDoc;
  handle(ctx: RouteContext): Promise<Reply>;
}
