import { GcsError } from './errors';

/** A parsed `fields=` selection: each selected key, with the sub-selection of its value or `true` for all of it. */
export type FieldSelection = Map<string, FieldSelection | true>;

/**
 * Google's partial-response syntax (https://cloud.google.com/storage/docs/json_api#partial-response):
 * `a,b/c,d(e,f/g),*`. `b/c` selects c inside b; `d(e,f)` selects e and f inside d; inside arrays the
 * selection applies to each element. Throws GCS's 400 for a selection that does not parse.
 */
export function parseFieldSelection(text: string): FieldSelection {
  let at = 0;
  const fail = (): never => {
    throw new GcsError(400, `Invalid field selection ${text}`, 'invalidParameter', { locationType: 'parameter', location: 'fields' });
  };
  const name = (): string => {
    const match = /^[A-Za-z0-9_*.-]+/.exec(text.slice(at));
    if (!match) return fail();
    at += match[0].length;
    return match[0];
  };
  const list = (into: FieldSelection): FieldSelection => {
    for (;;) {
      const path = [name()];
      while (text[at] === '/') {
        at++;
        path.push(name());
      }
      let leaf: FieldSelection | true = true;
      if (text[at] === '(') {
        at++;
        leaf = list(new Map());
        if (text[at] !== ')') fail();
        at++;
      }
      merge(into, path, leaf);
      if (text[at] !== ',') return into;
      at++;
    }
  };
  const selection = list(new Map());
  if (at !== text.length) fail();
  return selection;
}

function merge(into: FieldSelection, path: string[], leaf: FieldSelection | true): void {
  const [head, ...rest] = path as [string, ...string[]];
  const existing = into.get(head);
  if (existing === true) return; // the whole value is selected already
  if (rest.length === 0 && leaf === true) {
    into.set(head, true);
    return;
  }
  const child = existing ?? new Map<string, FieldSelection | true>();
  into.set(head, child);
  if (rest.length > 0) merge(child, rest, leaf);
  else for (const [key, value] of leaf as FieldSelection) merge(child, [key], value);
}

/** The parts of a JSON value a selection asks for (absent keys stay absent, as GCS leaves them out). */
export function selectFields(value: unknown, selection: FieldSelection): unknown {
  if (Array.isArray(value)) return value.map((item) => selectFields(item, selection));
  if (!value || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const all = selection.get('*');
  for (const key of Object.keys(source)) {
    const sub = selection.get(key) ?? all;
    if (sub === undefined) continue;
    out[key] = sub === true ? source[key] : selectFields(source[key], sub);
  }
  return out;
}
