// The path templates of google.api.HttpRule (google/api/http.proto):
//   Template = "/" Segments [ Verb ] ;  Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;  Variable = "{" FieldPath [ "=" Segments ] "}" ;  Verb = ":" LITERAL ;
// google-gax's PathTemplate only renders resource names (`projects/{project}`); it cannot match
// `/v1/{parent=projects/*/locations/*}/models:upload`, so the twins compile the grammar themselves.

export interface PathTemplate {
  /** The template as written in the proto. */
  readonly source: string;
  /** The custom verb (`pause` in `…/jobs/*}:pause`), if any. */
  readonly verb?: string;
  /** The field paths bound by the template (`parent`, `job.name`), in order. */
  readonly fields: readonly string[];
  /** The bound field values (percent-decoded) when `path` (without query) matches, else undefined. */
  match(path: string): Record<string, string> | undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits on "/" outside braces: `v1/{name=projects/*}/x` → [`v1`, `{name=projects/*}`, `x`]. */
function splitSegments(text: string): string[] {
  const segments: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '{') depth++;
    if (char === '}') depth--;
    if (char === '/' && depth === 0) {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments;
}

function segmentPattern(segment: string, template: string): string {
  // A "*" segment is one path segment; "**" is the rest of the path (one or more segments).
  if (segment === '*') return '[^/]+';
  if (segment === '**') return '[^/]+(?:/[^/]+)*';
  if (!segment || /[{}*]/.test(segment)) throw new Error(`bad segment "${segment}" in path template ${template}`);
  return escapeRegExp(segment);
}

export function compilePathTemplate(template: string): PathTemplate {
  if (!template.startsWith('/')) throw new Error(`path template must start with "/": ${template}`);
  let body = template.slice(1);
  let verb: string | undefined;
  const lastBrace = body.lastIndexOf('}');
  const colon = body.indexOf(':', Math.max(lastBrace, body.lastIndexOf('/')));
  if (colon >= 0) {
    verb = body.slice(colon + 1);
    body = body.slice(0, colon);
  }

  const fields: string[] = [];
  const parts = splitSegments(body).map((segment) => {
    const variable = /^\{([A-Za-z_][\w.]*)(?:=(.+))?\}$/.exec(segment);
    if (!variable) return segmentPattern(segment, template);
    const [, field, inner = '*'] = variable;
    fields.push(field!);
    return `(${splitSegments(inner).map((s) => segmentPattern(s, template)).join('/')})`;
  });
  const regex = new RegExp(`^/${parts.join('/')}${verb ? `:${escapeRegExp(verb)}` : ''}$`);

  return {
    source: template,
    ...(verb ? { verb } : {}),
    fields,
    match(path) {
      const found = regex.exec(path);
      if (!found) return undefined;
      const bound: Record<string, string> = {};
      try {
        fields.forEach((field, i) => { bound[field] = decodeURIComponent(found[i + 1]!); });
      } catch {
        return undefined; // malformed percent-encoding: no route, as for any other path that does not parse
      }
      return bound;
    },
  };
}
