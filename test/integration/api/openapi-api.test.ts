import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { demoRegistry } from '../../../dev/demo/demo-data';
import { seedRegistry } from '../../../dev/demo/seed';
import { CLIENT_TYPES_FILE, clientTypes, documentedApiEnv, fullApiDocument } from '../../../dev/openapi';
import { parseConfig } from '../../../functions/src/config';
import { buildApiParts } from '../../../functions/src/functions/api';
import { openApiPath } from '../../../functions/src/http/openapi/document';
import type { Route } from '../../../functions/src/http/route';
import { apiTestServer, tokenFor } from '../../support/api';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

type Server = Awaited<ReturnType<typeof apiTestServer>>;
type Operation = { operationId: string; parameters: { name: string; in: string }[]; security?: unknown[] };

/** Every operation of the document as `METHOD /path`, with the operation. */
function operations(document: ReturnType<typeof fullApiDocument>): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) out.set(`${method.toUpperCase()} ${path}`, op as Operation);
  }
  return out;
}

/** A concrete URL for an OpenAPI path: each `{param}` filled with a value its schema accepts. */
const SAMPLE: Record<string, string> = { id: 'demo-v1', otherId: 'demo-v2', familyId: 'demo', alias: 'prod' };
const concrete = (path: string) => path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => SAMPLE[name] ?? 'x');

describe('OpenAPI document (GET /api/openapi.json, generated from the route table)', () => {
  let server: Server;
  const document = fullApiDocument();
  const ops = operations(document);
  // Everything on (artifacts, schedules): the configuration the document describes.
  const routes: Route[] = buildApiParts(parseConfig(documentedApiEnv())).routes;

  before(async () => {
    const emulator = await sharedFirestoreEmulator();
    const { DEV_AUTH_SECRET: _, ...env } = documentedApiEnv();
    server = await apiTestServer({ ...env, GOOGLE_CLOUD_PROJECT: emulator.projectId });
  });

  it('is served without a token and is the document of the routes served', async () => {
    const res = await request(server).get('/api/openapi.json').expect(200);
    assert.equal(res.body.openapi, '3.1.0');
    assert.deepEqual(Object.keys(res.body.paths).sort(), Object.keys(document.paths).sort());
  });

  it('passes the OpenAPI 3.1 validator', async () => {
    await SwaggerParser.validate(structuredClone(document) as never);
  });

  it('has one operation, with a unique id, for every route, and no operation without a route', () => {
    const fromRoutes = routes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort();
    assert.deepEqual([...ops.keys()].sort(), fromRoutes);
    const ids = [...ops.values()].map((op) => op.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
  });

  it('documents every path parameter of every route', () => {
    for (const [key, op] of ops) {
      const names = [...key.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
      assert.deepEqual(op.parameters.filter((p) => p.in === 'path').map((p) => p.name), names, key);
    }
  });

  it('answers every documented operation (no 404 or 405 from the router), 401 without a token where it says so', async () => {
    for (const [key, op] of ops) {
      const [method, path] = key.split(' ') as [string, string];
      const res = await request(server)[method.toLowerCase() as 'get'](concrete(path));
      assert.ok(!['ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED'].includes(res.body?.error?.code), `${key} is not served: ${res.status}`);
      if (op.security?.length === 0) assert.equal(res.status, 200, `${key} is public`);
      else assert.equal(res.status, 401, `${key} needs a token`);
    }
  });

  it('refuses, on every operation, a query parameter the document does not list', async () => {
    const token = await tokenFor('deployer');
    for (const [key, op] of ops) {
      if (op.security?.length === 0) continue;
      const [method, path] = key.split(' ') as [string, string];
      const res = await request(server)[method.toLowerCase() as 'get'](`${concrete(path)}?undocumented=1`)
        .set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 400, `${key} accepted ?undocumented=1 (${res.status})`);
      assert.ok(res.body.error.fields.some((f: { path: string }) => f.path.startsWith('query')), key);
    }
  });

  it('matches the committed client types (run `npm run openapi` after changing a route)', async () => {
    assert.equal(readFileSync(CLIENT_TYPES_FILE, 'utf8'), await clientTypes(document), 'shared/api-client/paths.ts is stale');
  });

  describe('answers match the documented schemas', () => {
    before(async () => {
      await (await sharedFirestoreEmulator()).reset();
      await seedRegistry(await testFirestore(), demoRegistry());
    });

    const schemaOf = (method: string, path: string, status: 200 | 201) => {
      const route = routes.find((r) => r.method === method && openApiPath(r.path) === path);
      const schema = route?.doc.responses[status]?.schema;
      assert.ok(schema, `${method} ${path} documents a ${status} body`);
      return schema;
    };

    it('for the dashboard\'s reads of a demo registry', async () => {
      const token = await tokenFor('viewer');
      const { body: list } = await request(server).get('/api/models?page_size=3').set('Authorization', `Bearer ${token}`).expect(200);
      const version = list.items[0] as { id: string; familyId: string };
      const reads: [string, string][] = [
        ['/api/models', '/api/models?page_size=3'],
        ['/api/models/summary', '/api/models/summary'],
        ['/api/models/{id}', `/api/models/${version.id}`],
        ['/api/models/{id}/versions', `/api/models/${version.id}/versions`],
        ['/api/models/{id}/lineage', `/api/models/${version.id}/lineage`],
        ['/api/models/{id}/deployments', `/api/models/${version.id}/deployments`],
        ['/api/models/{id}/compare/{otherId}', `/api/models/${version.id}/compare/${version.id}`],
        ['/api/families', '/api/families'],
        ['/api/families/{familyId}', `/api/families/${version.familyId}`],
        ['/api/families/{familyId}/aliases', `/api/families/${version.familyId}/aliases`],
        ['/api/training-schedules', '/api/training-schedules'],
        ['/api/training-schedules/calendar', '/api/training-schedules/calendar'],
        ['/api/training-schedules/calendar/days/{date}', `/api/training-schedules/calendar/days/${new Date().toISOString().slice(0, 10)}`],
        ['/api/training-schedules/calendar/full', '/api/training-schedules/calendar/full'],
      ];
      for (const [documented, url] of reads) {
        const res = await request(server).get(url).set('Authorization', `Bearer ${token}`);
        assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
        const parsed = schemaOf('GET', documented, 200).safeParse(res.body);
        assert.ok(parsed.success, `${url}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`);
      }
    });
  });
});
