import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors';

/** Turns zod issues into field paths prefixed with where the value came from (query, body, params). */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[], prefix: string): FieldIssue[] {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

/** Parses at the edge: a typed value or a ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldIssues(result.error.issues, prefix));
  return result.data;
}
