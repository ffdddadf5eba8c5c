import { fieldErrors } from './errors';

// The rules Google applies to resource labels (lowercase includes international lowercase letters).
const KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_LABELS = 64;
const MAX_BYTES = 128;

const RULES =
  'There can be no more than 64 labels attached to a single resource. Label keys and values can only contain ' +
  'lowercase letters, numbers, dashes and underscores. Label keys must start with a letter, must be less than ' +
  '64 characters in length, and must be less than 128 bytes in length when encoded in UTF-8. Label values must be ' +
  'less than 64 characters in length, and must be less than 128 bytes in length when encoded in UTF-8.';

const fits = (text: string, pattern: RegExp) => pattern.test(text) && Buffer.byteLength(text, 'utf8') < MAX_BYTES;

/** Rejects labels Vertex would reject, with Vertex's wording (field is e.g. `model.labels`). */
export function checkLabels(labels: Record<string, string> | null | undefined, field: string): void {
  const entries = Object.entries(labels ?? {});
  const valid = entries.length <= MAX_LABELS && entries.every(([key, value]) => fits(key, KEY) && fits(value, VALUE));
  if (!valid) throw fieldErrors([{ field, description: RULES }]);
}
