import { parsePushedObject, type PushedObject } from './push-layout';

/**
 * What a finalized object in the pushes bucket means to registration:
 * - `pushed`: a file of a versioned push directory;
 * - `outside`: anything else in the bucket (metrics.json, folder placeholders, other tools' files);
 * - `malformed`: under `<run>/pushed_model/` but not `<run>/pushed_model/<n>/<file>`: a pusher
 *   misconfiguration worth recording rather than silently ignoring (seed 000, bug #3).
 */
export type ObjectClass =
  | { kind: 'pushed'; object: PushedObject }
  | { kind: 'outside' }
  | { kind: 'malformed'; reason: string };

export function classifyPushedObject(name: string): ObjectClass {
  // Folder placeholders (`x/`), as the console creates them, carry no content.
  if (name.endsWith('/')) return { kind: 'outside' };
  const object = parsePushedObject(name);
  if (object) return { kind: 'pushed', object };
  const parts = name.split('/');
  if (parts.indexOf('pushed_model') !== 1) return { kind: 'outside' };
  if (parts.length === 3) return { kind: 'malformed', reason: 'files must be inside a versioned directory <run_id>/pushed_model/<n>/' };
  return { kind: 'malformed', reason: 'expected <run_id>/pushed_model/<n>/<file> with a numeric <n> and a safe path' };
}
