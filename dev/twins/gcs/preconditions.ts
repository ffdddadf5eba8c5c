import { conditionNotMet, invalid, notModified } from './errors';
import type { ObjectRecord } from './object-record';

/** Generation/metageneration conditions of one request, as decimal strings. */
export interface Preconditions {
  ifGenerationMatch?: string;
  ifGenerationNotMatch?: string;
  ifMetagenerationMatch?: string;
  ifMetagenerationNotMatch?: string;
}

const NAMES = ['GenerationMatch', 'GenerationNotMatch', 'MetagenerationMatch', 'MetagenerationNotMatch'] as const;

/** Reads `if<Name>` (destination/target) or, with `subject: 'Source'`, `ifSource<Name>` (copy source) query parameters. */
export function readPreconditions(query: URLSearchParams, subject: '' | 'Source' = ''): Preconditions {
  const conditions: Preconditions = {};
  for (const name of NAMES) {
    const value = query.get(`if${subject}${name}`);
    if (value === null) continue;
    if (!/^\d+$/.test(value)) throw invalid(`Invalid argument for if${subject}${name}: ${value}`);
    conditions[`if${name}`] = String(BigInt(value));
  }
  return conditions;
}

/**
 * Checks conditions against the object a write would replace (`undefined`: none, which has generation 0,
 * so `ifGenerationMatch=0` means "must not exist").
 */
export function checkWrite(conditions: Preconditions, current: ObjectRecord | undefined): void {
  if (!holds(conditions, current?.generation ?? '0', current?.metageneration ?? '0')) throw conditionNotMet();
}

/** Checks conditions against an existing object being read (failing not-match answers 304, as GCS does on GET). */
export function checkRead(conditions: Preconditions, current: ObjectRecord): void {
  const { ifGenerationMatch, ifMetagenerationMatch } = conditions;
  if (!holds({ ifGenerationMatch, ifMetagenerationMatch }, current.generation, current.metageneration)) throw conditionNotMet();
  if (!holds(conditions, current.generation, current.metageneration)) throw notModified();
}

function holds(c: Preconditions, generation: string, metageneration: string): boolean {
  if (c.ifGenerationMatch !== undefined && c.ifGenerationMatch !== generation) return false;
  if (c.ifGenerationNotMatch !== undefined && c.ifGenerationNotMatch === generation) return false;
  if (c.ifMetagenerationMatch !== undefined && c.ifMetagenerationMatch !== metageneration) return false;
  if (c.ifMetagenerationNotMatch !== undefined && c.ifMetagenerationNotMatch === metageneration) return false;
  return true;
}
