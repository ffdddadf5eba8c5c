import type { Request } from '@google-cloud/functions-framework';
import { DomainError, ValidationError, type FieldIssue } from '../../../shared/errors';

/**
 * Front-door rules for request bodies, so that no route can forget them:
 * - a body must be JSON (`application/json`): the functions framework would otherwise hand a
 *   form-encoded body or a body without a content type to the route as something else;
 * - text must be well-formed Unicode without control characters (tab and newlines excepted),
 *   which Firestore, logs and the dashboard cannot all carry safely.
 */
export function checkRequestBody(req: Request): void {
  if (!hasBody(req)) return;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON with `Content-Type: application/json`', {
      contentType: type || null,
    });
  }
  const issues: FieldIssue[] = [];
  collectTextIssues(req.body, 'body', issues);
  if (issues.length) throw new ValidationError(issues.slice(0, 20));
}

function hasBody(req: Request): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}

// C0 controls except tab, LF and CR, and DEL.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function collectTextIssues(value: unknown, path: string, issues: FieldIssue[], depth = 0): void {
  if (issues.length >= 20 || depth > 32) return;
  if (typeof value === 'string') {
    if (!value.isWellFormed()) issues.push({ path, message: 'is not well-formed Unicode (a lone surrogate)' });
    else if (CONTROL.test(value)) issues.push({ path, message: 'contains control characters' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectTextIssues(item, `${path}.${i}`, issues, depth + 1));
    return;
  }
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (!key.isWellFormed() || CONTROL.test(key)) issues.push({ path: `${path}.${key.replace(CONTROL, '?')}`, message: 'has an invalid field name' });
      collectTextIssues(item, `${path}.${key}`, issues, depth + 1);
    }
  }
}
