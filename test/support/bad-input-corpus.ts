/**
 * A generated corpus of malformed requests for every route of the API (issue 8): each must be
 * answered 4xx with a stable error code, and none may change stored data. Routes come from the
 * route modules' source (route-table.ts) and are kept if the running API serves them.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { Firestore } from '@google-cloud/firestore';
import type { Role } from '../../shared/ports';
import { demoRegistry } from '../../dev/demo/demo-data';
import { signDevToken } from '../../functions/src/http/token-verifiers';
import { statusOf } from '../../functions/src/http/error-status';
import type { ErrorCode } from '../../shared/errors';
import { canonicalJson, diffSnapshots, snapshotFirestore, type IgnoredFields } from './firestore-snapshot';
import { readRouteTable, type RouteSpec } from './route-table';

export type CaseCategory =
  | 'no-token' | 'bad-token' | 'expired-token' | 'wrong-role' | 'wrong-method' | 'unknown-route'
  | 'path-param' | 'query' | 'invalid-json' | 'body-shape' | 'missing-field' | 'extra-field' | 'wrong-type'
  | 'oversized' | 'control-chars' | 'unicode' | 'content-type';

export interface BadRequest {
  /** What is wrong with it, for failure messages. */
  name: string;
  category: CaseCategory;
  /** `METHOD path` of the route it aims at; null for paths no route serves. */
  route: string | null;
  method: string;
  /** The request target as sent, already percent-encoded. */
  target: string;
  headers: Record<string, string>;
  body?: string;
  /** A status and code the answer must have, when the case determines them. */
  expect?: { status: number; code: ErrorCode };
  /**
   * Refused by the functions framework (Express, body-parser) or Node's HTTP parser before the
   * API's handler runs, with this status. The framework's refusals are answered as the API's JSON
   * errors (http/framework-errors.ts); Node's parser answers with an empty body, counted on its own.
   */
  framework?: { status: number; reason: string };
}

export interface CaseOutcome {
  request: BadRequest;
  status: number;
  contentType: string;
  /** The parsed body when it was JSON. */
  json: unknown;
  bodyBytes: number;
  ms: number;
  /** Broken expectations; empty when the answer is right. */
  problems: string[];
}

/** Ids of demo documents the requests aim at: a request that got through would change one of them. */
export interface CorpusSamples {
  versionId: string;
  otherVersionId: string;
  familyId: string;
  scheduleId: string;
  runId: string;
  alias: string;
}

export function demoSamples(): CorpusSamples {
  const demo = demoRegistry();
  const versions = demo.versions.filter((v) => v.familyId === 'recs-prod').sort((a, b) => a.version - b.version);
  const [first, second] = versions;
  const run = demo.runs.find((r) => r.versionId === second?.id);
  if (!first || !second || !run || !demo.schedules[0]) throw new Error('the demo registry changed: pick new bad-input samples');
  // v2 is blessed and not deployed: a deploy that slipped through validation would succeed.
  return { versionId: second.id, otherVersionId: first.id, familyId: 'recs-prod', scheduleId: demo.schedules[0].id, runId: run.id, alias: 'prod' };
}

/** A valid body for a route: `required` fields make it invalid when one is missing; `identifiers` are not free text. */
interface BodySample {
  required: Record<string, unknown>;
  optional: Record<string, unknown>;
  identifiers: string[];
  /** Number fields that take any real number (the -1 and 1.5 cases are valid there). */
  realNumbers?: string[];
}

function bodySamples(s: CorpusSamples): Record<string, BodySample> {
  return {
    'POST /api/models/:id/deploy': {
      required: {},
      optional: { machineType: 'n1-standard-4', minReplicas: 1, maxReplicas: 2, trafficPercent: 10, force: false, reason: 'bad-input corpus' },
      identifiers: ['machineType'],
    },
    'POST /api/models/:id/undeploy': { required: {}, optional: { reason: 'bad-input corpus' }, identifiers: [] },
    'PUT /api/families/:familyId/aliases/:alias': { required: { version: 1 }, optional: { expectedVersion: 1, reason: 'bad-input corpus' }, identifiers: [] },
    'PUT /api/families/:familyId/policy': {
      required: { protectedAliases: { prod: { approvals: 1, metrics: [{ metric: 'recall_at_100', threshold: 0.5 }] } } },
      optional: { expectedRevision: 0, reason: 'bad-input corpus' },
      identifiers: [],
    },
    'POST /api/families/:familyId/aliases/:alias/approvals': { required: { version: 1 }, optional: { reason: 'bad-input corpus' }, identifiers: [] },
    'PUT /api/roles/:email': { required: { role: 'viewer' }, optional: { reason: 'bad-input corpus' }, identifiers: ['role'] },
    'POST /api/models/:id/rollout': {
      required: { plan: { steps: [{ trafficPercent: 10, bakeMinutes: 5 }, { trafficPercent: 100, bakeMinutes: 0 }] } },
      optional: { reason: 'bad-input corpus' },
      identifiers: [],
    },
    'POST /api/models/:id/rollout/promote': { required: {}, optional: { reason: 'bad-input corpus' }, identifiers: [] },
    'POST /api/models/:id/rollout/rollback': { required: {}, optional: { reason: 'bad-input corpus' }, identifiers: [] },
    'POST /api/models/:id/rollout/metric': { required: { name: 'ctr', value: 0.1 }, optional: {}, identifiers: ['name'], realNumbers: ['value'] },
    'POST /api/models/:id/predict': { required: { instances: [{ user: 'u-1' }] }, optional: { parameters: { topK: 5 } }, identifiers: [] },
    'POST /api/training-schedules': {
      required: { name: 'bad-input', familyId: s.familyId, modelType: 'retrieval', type: 'daily', time: '03:00', timeZone: 'UTC', pipelineTemplate: 'gs://bad-input/pipeline.json' },
      optional: { parameters: { epochs: 3 } },
      // Not pipelineTemplate: Cloud Storage object names may hold any Unicode (but no control characters).
      identifiers: ['familyId', 'modelType', 'type', 'time', 'timeZone'],
    },
    'PATCH /api/training-schedules/:id': { required: { name: 'renamed' }, optional: { timeZone: 'UTC' }, identifiers: ['timeZone'] },
    'POST /api/training-runs/:id/register': { required: {}, optional: {}, identifiers: [] },
    'POST /api/models/:id/mirror': { required: {}, optional: {}, identifiers: [] },
    'POST /api/families': {
      required: { id: 'bad-input-family', modelType: 'retrieval' },
      optional: { name: 'Bad input', description: 'bad-input corpus', tags: ['corpus'] },
      identifiers: ['id', 'modelType'],
    },
    'POST /api/families/:familyId/versions::promote': { required: { trainingRunId: s.runId }, optional: { label: 'rc-1' }, identifiers: ['trainingRunId', 'label'] },
  };
}

const EMPTY_SAMPLE: BodySample = { required: {}, optional: {}, identifiers: [] };

/** Body-taking routes without a sample above get only the cases that need no knowledge of their fields. */
export function routesWithoutBodySample(routes: RouteSpec[]): string[] {
  const known = bodySamples(demoSamples());
  return routes.filter((r) => r.reads.body && !known[`${r.method} ${r.path}`]).map((r) => `${r.method} ${r.path}`);
}

export interface CorpusTokens {
  viewer: string;
  editor: string;
  deployer: string;
  /** Valid, but carries no role. */
  roleless: string;
  expired: string;
  /** Signed with another secret. */
  foreign: string;
  /** `alg: none`, no signature. */
  unsigned: string;
  /** A viewer token whose payload was swapped for a deployer's. */
  tampered: string;
}

export type Signer = (claims: { role: Role | 'none'; email: string; ttlSeconds?: number }) => Promise<string>;

export async function corpusTokens(sign: Signer): Promise<CorpusTokens> {
  const [viewer, editor, deployer, roleless, expired] = await Promise.all([
    sign({ role: 'viewer', email: 'viewer@bad-input.test' }),
    sign({ role: 'editor', email: 'editor@bad-input.test' }),
    sign({ role: 'deployer', email: 'deployer@bad-input.test' }),
    sign({ role: 'none', email: 'nobody@bad-input.test' }),
    sign({ role: 'deployer', email: 'deployer@bad-input.test', ttlSeconds: -120 }),
  ]);
  const foreign = await signDevToken('another-secret-another-secret-another-secret', { role: 'deployer', email: 'deployer@bad-input.test' });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const [, deployerPayload] = deployer.split('.');
  const [viewerHeader, , viewerSignature] = viewer.split('.');
  return {
    viewer, editor, deployer, roleless, expired, foreign,
    unsigned: `${b64({ alg: 'none', typ: 'JWT' })}.${deployerPayload}.`,
    tampered: `${viewerHeader}.${deployerPayload}.${viewerSignature}`,
  };
}

const ROLE_RANK: Record<Role, number> = { viewer: 1, editor: 2, deployer: 3 };
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const JSON_TYPE = 'application/json';

/** Replaces `:name` parameters with values (raw, already encoded) and `::` with a literal colon. */
export function fillPath(path: string, value: (name: string) => string): string {
  return path.split('::').map((part) => part.replace(/:([A-Za-z_]\w*)/g, (_, name: string) => value(name))).join(':');
}

function sampleParam(route: RouteSpec, name: string, s: CorpusSamples): string {
  if (name === 'familyId') return s.familyId;
  if (name === 'alias') return s.alias;
  if (name === 'otherId') return s.otherVersionId;
  if (name === 'email') return 'corpus%40example.com';
  if (route.path.startsWith('/api/training-schedules/')) return s.scheduleId;
  if (route.path.startsWith('/api/training-runs/')) return s.runId;
  if (route.path.startsWith('/api/models/')) return s.versionId;
  return 'sample';
}

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Path parameter values, percent-encoded as a client would send them. */
const BAD_PARAMS: { name: string; raw: string; framework?: BadRequest['framework'] }[] = [
  { name: 'encoded traversal', raw: '..%2F..%2Fetc%2Fpasswd' },
  { name: 'encoded dot-dot', raw: '%2e%2e' },
  { name: 'NUL byte', raw: 'a%00b' },
  { name: 'CRLF header injection', raw: 'x%0d%0aX-Injected:%201' },
  { name: 'control characters', raw: '%01%02%1b' },
  { name: 'non-Latin letters', raw: encodeURIComponent('モデル-v1') },
  { name: 'right-to-left override', raw: encodeURIComponent('recs\u202eprod-v1') },
  { name: 'emoji', raw: encodeURIComponent('💥-v1') },
  { name: 'SQL-ish', raw: encodeURIComponent("' OR 1=1 --") },
  { name: 'markup', raw: encodeURIComponent('<script>alert(1)</script>') },
  { name: 'upper case', raw: 'RECS-PROD-V1' },
  { name: 'encoded slash', raw: 'recs-prod%2Fv1' },
  { name: '250 characters', raw: `${'a'.repeat(247)}-v1` },
  { name: '5,000 characters (over the router limit)', raw: 'a'.repeat(5000) },
  { name: 'malformed percent-encoding', raw: '%E0%A4%A', framework: { status: 400, reason: 'malformed percent-encoding in the path (Express router)' } },
];

/** Query strings that are wrong for every route reading a query: unknown names, or known names with bad values. */
const GENERIC_QUERIES = ['unexpected=1', '__proto__%5Bpolluted%5D=1', 'constructor%5Bprototype%5D%5Bpolluted%5D=1'];
/** Only for routes that take no query parameter at all. */
const EMPTY_QUERY_EXTRAS = ['page_size=10', 'cursor=abc'];
const LIST_QUERIES = [
  'page_size=-1', 'page_size=0', 'page_size=1.5', 'page_size=abc', 'page_size=1e9', 'page_size=99999999999999999999999',
  'page_size=Infinity', 'page_size=NaN', 'page_size=', 'page_size=1&page_size=2', 'page_size=%00',
  'cursor=!!!', 'cursor=%00', `cursor=${'x'.repeat(1001)}`, `cursor=${b64url('not json')}`, `cursor=${b64url({})}`, `cursor=${b64url([])}`,
  `cursor=${b64url(['latest', '2020-01-01T00:00:00.000Z', 'a/b/c'])}`, `cursor=${b64url(['latest', 'not-a-date', 'recs-prod-v1'])}`,
  `cursor=${b64url(['best', 'str', 'recs-prod-v1'])}`, `cursor=${b64url(['name', 5, 'recs-prod-v1'])}`,
  `cursor=${b64url(['created', '2020-01-01T00:00:00.000Z', 'a/b/c'])}`, `cursor=${b64url(['created', 'not-a-date', 'x'])}`,
  `cursor=${b64url(['id', 'x', 'a/b/c'])}`, `cursor=${b64url(['other-sort', 'x', 'x'])}`, 'cursor=a&cursor=b',
  `search=${'x'.repeat(101)}`, 'search=a&search=b', 'sort=bogus', 'status=bogus', 'model_type=bogus', 'model_type=retrieval&model_type=ranking',
  'weeks_past=-1', 'weeks_past=53', 'weeks_future=abc', 'weeks_past=0&weeks_future=0', 'tz=Mars%2FOlympus', 'tz=%00',
  `tz=${'A'.repeat(101)}`, 'tz=..%2F..%2Fetc%2Fpasswd', 'tz=UTC&tz=UTC', 'expectedVersion=0', 'expectedVersion=-1', 'expectedVersion=abc',
  'expectedVersion=1&expectedVersion=2',
];

/** Three values of another type than the sample's (all invalid for the field). */
function wrongTypes(value: unknown): unknown[] {
  if (typeof value === 'string') return [12345, true, ['x']];
  if (typeof value === 'number') return [String(value), -1, 1.5];
  if (typeof value === 'boolean') return ['true', 1, null];
  if (Array.isArray(value)) return ['x', { 0: value[0] }, [[]]];
  if (value && typeof value === 'object') return ['x', [value], 1];
  return ['x', 1, {}];
}

export interface CorpusContext {
  samples: CorpusSamples;
  tokens: CorpusTokens;
  /** Methods the API serves on each concrete path (its preflight answer). */
  allowedMethods: ReadonlyMap<string, string[]>;
}

/** The corpus for the given (served) routes. */
export function generateCorpus(routes: RouteSpec[], ctx: CorpusContext): BadRequest[] {
  const cases: BadRequest[] = [];
  const bodies = bodySamples(ctx.samples);
  for (const route of routes) {
    const id = `${route.method} ${route.path}`;
    const target = fillPath(route.path, (name) => sampleParam(route, name, ctx.samples));
    const sample = bodies[id] ?? EMPTY_SAMPLE;
    const validBody = route.reads.body ? JSON.stringify(sample.required) : undefined;
    const base = (category: CaseCategory, name: string, over: Partial<BadRequest> = {}): BadRequest => ({
      name: `${id} · ${name}`, category, route: id, method: route.method, target,
      headers: { authorization: `Bearer ${ctx.tokens.deployer}`, ...(validBody !== undefined ? { 'content-type': JSON_TYPE } : {}) },
      ...(validBody !== undefined ? { body: validBody } : {}), ...over,
    });
    if (route.role !== 'public') cases.push(...authCases(route, base, ctx.tokens));
    if (route.reads.params) cases.push(...paramCases(route, base, ctx.samples));
    if (route.reads.query) cases.push(...queryCases(route, base));
    if (route.reads.body) cases.push(...bodyCases(base, sample));
  }
  cases.push(...methodCases(routes, ctx), ...unknownRouteCases(ctx));
  return cases;
}

type Base = (category: CaseCategory, name: string, over?: Partial<BadRequest>) => BadRequest;

function authCases(route: RouteSpec, base: Base, tokens: CorpusTokens): BadRequest[] {
  const unauthenticated = { status: 401, code: 'UNAUTHENTICATED' as const };
  const forbidden = { status: 403, code: 'FORBIDDEN' as const };
  const withAuth = (category: CaseCategory, name: string, authorization: string | null, expect: BadRequest['expect']) => {
    const request = base(category, name, { expect });
    if (authorization === null) delete request.headers.authorization;
    else request.headers.authorization = authorization;
    return request;
  };
  const cases = [
    withAuth('no-token', 'no Authorization header', null, unauthenticated),
    withAuth('no-token', 'Bearer without a token', 'Bearer', unauthenticated),
    withAuth('bad-token', 'garbage token', 'Bearer garbage.token.value', unauthenticated),
    withAuth('bad-token', '8,000-character token', `Bearer ${'A'.repeat(8000)}`, unauthenticated),
    withAuth('bad-token', 'Basic credentials', 'Basic dXNlcjpwYXNz', unauthenticated),
    withAuth('bad-token', 'token signed with another secret', `Bearer ${tokens.foreign}`, unauthenticated),
    withAuth('bad-token', 'unsigned token (alg none)', `Bearer ${tokens.unsigned}`, unauthenticated),
    withAuth('bad-token', 'tampered payload', `Bearer ${tokens.tampered}`, unauthenticated),
    withAuth('expired-token', 'expired token', `Bearer ${tokens.expired}`, unauthenticated),
    withAuth('wrong-role', 'token without a role', `Bearer ${tokens.roleless}`, forbidden),
  ];
  for (const role of ['viewer', 'editor'] as const) {
    if (route.role !== 'public' && ROLE_RANK[role] < ROLE_RANK[route.role]) {
      cases.push(withAuth('wrong-role', `${role} token`, `Bearer ${tokens[role]}`, forbidden));
    }
  }
  return cases;
}

function paramCases(route: RouteSpec, base: Base, samples: CorpusSamples): BadRequest[] {
  const names = [...route.path.replaceAll('::', '').matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]!);
  return names.flatMap((param) => BAD_PARAMS.map((bad) => base('path-param', `${param} = ${bad.name}`, {
    target: fillPath(route.path, (name) => (name === param ? bad.raw : sampleParam(route, name, samples))),
    ...(bad.framework ? { framework: bad.framework } : {}),
  })));
}

function queryCases(route: RouteSpec, base: Base): BadRequest[] {
  const queries = [...GENERIC_QUERIES, ...(route.emptyQuery ? EMPTY_QUERY_EXTRAS : LIST_QUERIES)];
  return queries.map((q) => {
    const request = base('query', `?${q.length > 60 ? `${q.slice(0, 60)}…` : q}`);
    return { ...request, target: `${request.target}?${q}` };
  });
}

function bodyCases(base: Base, sample: BodySample): BadRequest[] {
  const json = (category: CaseCategory, name: string, body: unknown) => base(category, name, { body: JSON.stringify(body) });
  const raw = (category: CaseCategory, name: string, body: string, over: Partial<BadRequest> = {}) => base(category, name, { body, ...over });
  const invalidJson = { status: 400, reason: 'invalid JSON (body-parser)' };
  const full = { ...sample.required, ...sample.optional };
  // What the content-type cases carry: never nothing, or a body-less route would rightly accept it.
  const content = JSON.stringify(Object.keys(full).length > 0 ? full : { unexpected: true });
  const formContent = new URLSearchParams(Object.entries(JSON.parse(content) as Record<string, unknown>).map(([k, v]) => [k, String(v)])).toString();
  const requiredJson = JSON.stringify(sample.required);
  const { headers } = base('content-type', '');
  const cases: BadRequest[] = [
    raw('invalid-json', 'unterminated object', '{', { framework: invalidJson }),
    raw('invalid-json', 'trailing comma', '{"a":1,}', { framework: invalidJson }),
    raw('invalid-json', 'single quotes', "{'a':1}", { framework: invalidJson }),
    raw('invalid-json', 'truncated', `${requiredJson.slice(0, -1)},"x":`, { framework: invalidJson }),
    raw('invalid-json', 'raw control character in a string', '{"reason":"a\u0001b"}', { framework: invalidJson }),
    raw('body-shape', 'top-level string', '"text"', { framework: { status: 400, reason: 'non-object JSON (body-parser strict mode)' } }),
    raw('body-shape', 'top-level number', '42', { framework: { status: 400, reason: 'non-object JSON (body-parser strict mode)' } }),
    raw('body-shape', 'top-level null', 'null', { framework: { status: 400, reason: 'non-object JSON (body-parser strict mode)' } }),
    raw('body-shape', 'top-level true', 'true', { framework: { status: 400, reason: 'non-object JSON (body-parser strict mode)' } }),
    json('body-shape', 'empty array', []),
    json('body-shape', 'array of the body', [full]),
    raw('body-shape', '100,000-deep nesting', `{"nested":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
    json('body-shape', '10,000 unknown keys', Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))),
    json('extra-field', 'unknown field', { ...sample.required, unexpected: true }),
    raw('extra-field', '__proto__ field', `{"__proto__":{"polluted":true}${requiredJson === '{}' ? '' : `,${requiredJson.slice(1, -1)}`}}`),
    json('extra-field', 'constructor.prototype field', { ...sample.required, constructor: { prototype: { polluted: true } } }),
    json('oversized', '2 MB body', { ...sample.required, padding: 'x'.repeat(2 * 1024 * 1024) }),
    raw('content-type', 'JSON sent as text/plain', content, { headers: { ...headers, 'content-type': 'text/plain' } }),
    raw('content-type', 'form-encoded', formContent, {
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    }),
    raw('content-type', 'multipart garbage', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', {
      headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' },
    }),
    raw('content-type', 'JSON without Content-Type', content, { headers: withoutContentType(headers) }),
    raw('content-type', 'unsupported charset', content, {
      headers: { ...headers, 'content-type': 'application/json; charset=koi8-r' },
      framework: { status: 415, reason: 'unsupported charset (body-parser)' },
    }),
    raw('content-type', 'gzip header on plain bytes', content, {
      headers: { ...headers, 'content-encoding': 'gzip' },
      framework: { status: 400, reason: 'undecodable Content-Encoding (body-parser)' },
    }),
  ];
  if (Object.keys(sample.required).length > 0) {
    cases.push(json('missing-field', 'empty object', {}));
    for (const key of Object.keys(sample.required)) {
      const { [key]: _dropped, ...rest } = sample.required;
      cases.push(json('missing-field', `without ${key}`, rest));
    }
  }
  for (const [key, value] of Object.entries(full)) {
    const wrongs = sample.realNumbers?.includes(key) ? wrongTypes(value).filter((w) => typeof w !== 'number') : wrongTypes(value);
    for (const wrong of wrongs) cases.push(json('wrong-type', `${key} = ${JSON.stringify(wrong)}`, { ...sample.required, [key]: wrong }));
    if (typeof value !== 'string') continue;
    const set = (v: string) => ({ ...sample.required, [key]: v });
    cases.push(
      json('oversized', `${key} of 100,000 characters`, set('x'.repeat(100_000))),
      json('control-chars', `${key} with NUL`, set(`${value}\u0000`)),
      json('control-chars', `${key} with an ANSI escape`, set(`\u001b[2J${value}`)),
      raw('unicode', `${key} with a lone surrogate`, JSON.stringify(set('@@')).replace('@@', `${value}\\ud800`)),
    );
    if (sample.identifiers.includes(key)) {
      cases.push(
        json('unicode', `${key} in full-width letters`, set(toFullWidth(value))),
        json('unicode', `${key} with a right-to-left override`, set(`${value}\u202e`)),
        json('unicode', `${key} with an emoji`, set(`${value}💥`)),
      );
    }
  }
  return cases;
}

function withoutContentType(headers: Record<string, string>): Record<string, string> {
  const { 'content-type': _dropped, ...rest } = headers;
  return rest;
}

function toFullWidth(s: string): string {
  return [...s].map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
}

/**
 * Every method a path does not serve answers 405. Which methods a concrete path serves comes from
 * the API's preflight answer: `/api/models/summary` is also matched by `DELETE /api/models/:id`.
 */
function methodCases(routes: RouteSpec[], ctx: CorpusContext): BadRequest[] {
  const targets = new Map<string, RouteSpec>();
  for (const route of routes) targets.set(fillPath(route.path, (name) => sampleParam(route, name, ctx.samples)), route);
  return [...targets].flatMap(([target, route]) => {
    const allowed = ctx.allowedMethods.get(target) ?? [];
    return METHODS.filter((m) => !allowed.includes(m)).map((method) => ({
      name: `${method} ${target} · method not served`, category: 'wrong-method' as const, route: `${route.method} ${route.path}`, method, target,
      headers: { authorization: `Bearer ${ctx.tokens.deployer}` },
      expect: { status: 405, code: 'METHOD_NOT_ALLOWED' as const },
    }));
  });
}

function unknownRouteCases(ctx: CorpusContext): BadRequest[] {
  const targets = [
    '/api/nope', `/api/models/${ctx.samples.versionId}/nope`, `/api/models/${ctx.samples.versionId}/deploy/extra`, '/api//models',
    '/api/../etc/passwd', '/api/%2e%2e/%2e%2e/etc/passwd', '/api/health/../models', '/api/models%00', '/api/Models',
  ];
  const cases: BadRequest[] = targets.map((target) => ({
    name: `GET ${target} · no such route`, category: 'unknown-route', route: null, method: 'GET', target,
    headers: { authorization: `Bearer ${ctx.tokens.deployer}` }, expect: { status: 404, code: 'ROUTE_NOT_FOUND' },
  }));
  // Past Node's 16 KiB header limit: its HTTP parser answers before any JavaScript runs.
  const tooLong = { status: 431, reason: 'request line over 16 KiB (Node HTTP parser)' };
  cases.push(
    { name: 'GET /api/models · 100,000-character search', category: 'oversized', route: 'GET /api/models', method: 'GET', target: `/api/models?search=${'x'.repeat(100_000)}`, headers: { authorization: `Bearer ${ctx.tokens.deployer}` }, framework: tooLong },
    { name: `GET /api/models/:id · 100,000-character id`, category: 'oversized', route: 'GET /api/models/:id', method: 'GET', target: `/api/models/${'a'.repeat(100_000)}-v1`, headers: { authorization: `Bearer ${ctx.tokens.deployer}` }, framework: tooLong },
  );
  return cases;
}

const ANSWER_TIMEOUT_MS = 60_000;

/** Sends one request exactly as given (no URL normalization, unlike fetch). */
function send(base: URL, agent: Agent, request: BadRequest): Promise<Omit<CaseOutcome, 'problems'>> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const started = performance.now();
    const req = httpRequest({
      host: base.hostname, port: base.port, agent, method: request.method, path: request.target,
      headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks);
        const contentType = String(res.headers['content-type'] ?? '');
        let json: unknown;
        if (contentType.includes('json')) {
          try { json = JSON.parse(text.toString('utf8')); } catch { json = undefined; }
        }
        resolve({ request, status: res.statusCode ?? 0, contentType, json, bodyBytes: text.length, ms: performance.now() - started });
      });
    });
    req.setTimeout(ANSWER_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The statuses that refuse each kind of malformed request. Any other 4xx (409 from a lease, 404
 * for a missing document) means the request got past validation into a use case.
 */
const REFUSALS: Record<CaseCategory, number[]> = {
  'no-token': [401], 'bad-token': [401], 'expired-token': [401], 'wrong-role': [403], 'wrong-method': [405], 'unknown-route': [404],
  // 404: an id of the right shape that names nothing, or one longer than the router matches.
  'path-param': [400, 404],
  query: [400], 'invalid-json': [400], 'body-shape': [400, 413], 'missing-field': [400], 'extra-field': [400], 'wrong-type': [400],
  oversized: [400, 413, 431], 'control-chars': [400], unicode: [400], 'content-type': [400, 415],
};

/** What is wrong with an answer to a malformed request. */
export function judge(outcome: Omit<CaseOutcome, 'problems'>): string[] {
  const { request, status, json } = outcome;
  const problems: string[] = [];
  if (status >= 500) problems.push(`answered ${status} (server error)`);
  else if (status < 400) problems.push(`answered ${status}: the malformed request was accepted`);
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (json === undefined) {
    if (!request.framework) problems.push(`answered ${status} without a JSON error body (${outcome.contentType || 'no content type'})`);
    else if (status !== request.framework.status) problems.push(`the framework answered ${status}, expected ${request.framework.status} (${request.framework.reason})`);
    return problems;
  }
  if (status < 400) return problems;
  if (request.framework && status !== request.framework.status) problems.push(`answered ${status}, expected ${request.framework.status} (${request.framework.reason})`);
  if (typeof code !== 'string') return [...problems, 'the JSON body has no error.code'];
  const mapped = statusOf(code as ErrorCode) as number | undefined;
  if (mapped === undefined) problems.push(`error.code '${code}' is not a stable code`);
  else if (mapped !== status) problems.push(`error.code '${code}' maps to ${mapped}, answered ${status}`);
  if (code === 'VALIDATION_FAILED') {
    const fields = (json as { error: { fields?: unknown } }).error.fields;
    const ok = Array.isArray(fields) && fields.length > 0 && fields.every((f) => typeof (f as { path?: unknown })?.path === 'string' && (f as { path: string }).path.length > 0);
    if (!ok) problems.push('VALIDATION_FAILED without field paths');
  }
  const refusals = REFUSALS[request.category];
  if (!refusals.includes(status)) problems.push(`answered ${status} ${code}: the request got past validation (a ${request.category} case is refused with ${refusals.join(' or ')})`);
  if (request.expect && (request.expect.status !== status || request.expect.code !== code)) {
    problems.push(`expected ${request.expect.status} ${request.expect.code}, got ${status} ${code}`);
  }
  return problems;
}

/** Sends every request, `concurrency` at a time, and judges each answer. */
export async function sendCorpus(url: string, requests: BadRequest[], concurrency = 8): Promise<CaseOutcome[]> {
  const base = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const outcomes: CaseOutcome[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const request = requests[i]!;
      try {
        const answer = await send(base, agent, request);
        outcomes[i] = { ...answer, problems: judge(answer) };
      } catch (error) {
        outcomes[i] = { request, status: 0, contentType: '', json: undefined, bodyBytes: 0, ms: 0, problems: [`no answer: ${(error as Error).message}`] };
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return outcomes;
}

export interface RouteProbe {
  served: RouteSpec[];
  notServed: RouteSpec[];
  allowedMethods: Map<string, string[]>;
}

/** Which routes the running API serves: a preflight lists the methods of a path, without authentication. */
export async function probeRoutes(url: string, routes: RouteSpec[], samples: CorpusSamples): Promise<RouteProbe> {
  const probe: RouteProbe = { served: [], notServed: [], allowedMethods: new Map() };
  for (const route of routes) {
    const target = fillPath(route.path, (name) => sampleParam(route, name, samples));
    const res = await fetch(new URL(target, url), { method: 'OPTIONS' });
    await res.arrayBuffer();
    const methods = res.status === 204 ? (res.headers.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim()) : [];
    probe.allowedMethods.set(target, methods);
    (methods.includes(route.method) ? probe.served : probe.notServed).push(route);
  }
  return probe;
}

/** State the local stack writes on its own, whatever the requests: the minute-by-minute job reconcile marks schedules synced. */
export const STACK_BACKGROUND_FIELDS: IgnoredFields = (path) => (/^schedules\/[^/]+$/.test(path) ? ['sync'] : []);

export interface BadInputSummary {
  tried: number;
  routes: { served: number; notServed: string[]; withoutBodySample: string[] };
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  /** 4xx answered as `{ error: { code } }`. */
  jsonErrors: number;
  /** 4xx answered by the framework or Node before the handler, by reason (not JSON). */
  frameworkAnswers: Record<string, number>;
  serverErrors: number;
  /** Requests whose answer broke an expectation. */
  wrongAnswers: number;
  /** Firestore documents (and twin state) that changed while the corpus ran. */
  dataChanges: string[];
  durationMs: number;
}

export interface CorpusRun {
  outcomes: CaseOutcome[];
  served: RouteSpec[];
  notServed: RouteSpec[];
  summary: BadInputSummary;
}

export interface CorpusTarget {
  url: string;
  db: Firestore;
  sign: Signer;
  /** Other state the requests must not change (e.g. the Vertex twin's models and endpoints). */
  otherState?: () => unknown;
  samples?: CorpusSamples;
  concurrency?: number;
}

/** Generates the corpus for the routes the target serves, sends it, and checks that stored data did not change. */
export async function runBadInputCorpus(target: CorpusTarget): Promise<CorpusRun> {
  const samples = target.samples ?? demoSamples();
  const { served, notServed, allowedMethods } = await probeRoutes(target.url, readRouteTable(), samples);
  const requests = generateCorpus(served, { samples, tokens: await corpusTokens(target.sign), allowedMethods });
  const before = await snapshotFirestore(target.db, STACK_BACKGROUND_FIELDS);
  const otherBefore = target.otherState ? canonicalJson(target.otherState()) : '';
  const started = performance.now();
  const outcomes = await sendCorpus(target.url, requests, target.concurrency);
  const durationMs = Math.round(performance.now() - started);
  const after = await snapshotFirestore(target.db, STACK_BACKGROUND_FIELDS);
  const dataChanges = diffSnapshots(before, after);
  if (target.otherState && canonicalJson(target.otherState()) !== otherBefore) dataChanges.push('changed twin state (Vertex AI models, endpoints or pipeline jobs)');
  return { outcomes, served, notServed, summary: summarize(outcomes, served, notServed, dataChanges, durationMs) };
}

function summarize(outcomes: CaseOutcome[], served: RouteSpec[], notServed: RouteSpec[], dataChanges: string[], durationMs: number): BadInputSummary {
  const count = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
  const framework = outcomes.filter((o) => o.json === undefined && o.request.framework);
  return {
    tried: outcomes.length,
    routes: { served: served.length, notServed: notServed.map((r) => `${r.method} ${r.path}`), withoutBodySample: routesWithoutBodySample(served) },
    byStatus: count(outcomes.map((o) => String(o.status))),
    byCategory: count(outcomes.map((o) => o.request.category)),
    jsonErrors: outcomes.filter((o) => o.status >= 400 && o.status < 500 && o.json !== undefined).length,
    frameworkAnswers: count(framework.map((o) => o.request.framework!.reason)),
    serverErrors: outcomes.filter((o) => o.status >= 500).length,
    wrongAnswers: outcomes.filter((o) => o.problems.length > 0).length,
    dataChanges,
    durationMs,
  };
}
