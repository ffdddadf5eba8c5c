import { h } from '../dom';

/**
 * The API reference at /docs.html: rendered in the browser from `GET /api/openapi.json`, the
 * document generated from the route table, so it always describes the server it is served by.
 */
type Schema = Record<string, unknown>;
interface Operation {
  operationId: string; summary: string; tags: string[]; 'x-required-role'?: string; security?: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; 'x-error-codes'?: string[]; content?: Record<string, { schema: Schema }> }>;
}
interface Document { info: { title: string; version: string; description: string }; paths: Record<string, Record<string, Operation>> }

const typeOf = (schema: Schema): string => {
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  return String(schema.type ?? 'any');
};

function schemaBlock(label: string, schema: Schema): HTMLElement {
  const details = h('details', { class: 'docs-schema' });
  details.append(h('summary', {}, `${label}: ${typeOf(schema)}`), h('pre', {}, JSON.stringify(schema, null, 2)));
  return details;
}

function operation(method: string, path: string, op: Operation): HTMLElement {
  const card = h('article', { class: 'docs-operation', id: op.operationId });
  const role = op.security?.length === 0 ? 'public' : `role: ${op['x-required-role'] ?? 'viewer'}`;
  card.append(h('h3', {}, h('span', { class: `docs-method docs-${method}` }, method.toUpperCase()), ` ${path}`), h('p', {}, `${op.summary} · ${role}`));
  if (op.parameters.length) {
    const rows = op.parameters.map((p) => h('tr', {},
      h('td', {}, h('code', {}, p.name)), h('td', {}, p.in), h('td', {}, typeOf(p.schema)), h('td', {}, p.required ? 'required' : ''),
      h('td', {}, String(p.schema.description ?? ''))));
    card.append(h('table', { class: 'docs-params' }, h('tbody', {}, ...rows)));
  }
  const body = op.requestBody?.content['application/json'];
  if (body) card.append(schemaBlock(`body${op.requestBody!.required ? '' : ' (optional)'}`, body.schema));
  for (const [status, response] of Object.entries(op.responses)) {
    const codes = response['x-error-codes'];
    const schema = Object.values(response.content ?? {})[0]?.schema;
    const line = `${status} ${codes ? codes.join(', ') : response.description}`;
    card.append(schema && !codes ? schemaBlock(line, schema) : h('p', { class: 'docs-response' }, line));
  }
  return card;
}

async function render(root: HTMLElement): Promise<void> {
  const res = await fetch('/api/openapi.json');
  if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`);
  const doc = (await res.json()) as Document;
  const byTag = new Map<string, HTMLElement[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'api';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  }
  root.replaceChildren(
    h('h2', {}, `${doc.info.title} ${doc.info.version}`),
    h('p', {}, doc.info.description, ' ', h('a', { href: '/api/openapi.json' }, 'openapi.json')),
    ...[...byTag].flatMap(([tag, ops]) => [h('h2', { class: 'docs-tag' }, tag), ...ops]),
  );
}

const root = document.getElementById('docs')!;
render(root).catch((error: Error) => root.replaceChildren(h('p', { class: 'docs-error' }, `The API document could not be loaded: ${error.message}`)));
