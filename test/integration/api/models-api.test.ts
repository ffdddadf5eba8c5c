import assert from 'node:assert/strict';
import request from 'supertest';
import type { Firestore } from '@google-cloud/firestore';
import { seedRegistry } from '../../../dev/demo/seed';
import { reconcileSummaryCounters } from '../../../functions/src/adapters/firestore/summary-counters';
import { versionToDoc } from '../../../functions/src/adapters/firestore/version-codec';
import type { ModelVersion } from '../../../shared/schemas/model-version';
import { apiTestServer, tokenFor } from '../../support/api';
import { makeRun, makeVersion } from '../../support/fixtures';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

type Server = Awaited<ReturnType<typeof apiTestServer>>;

describe('models read API (functions framework + Firestore emulator)', () => {
  let server: Server;
  let db: Firestore;
  let viewer: string;

  before(async () => {
    db = await testFirestore();
    server = await apiTestServer({ CORS_ORIGINS: 'https://dash.example.com' });
    viewer = await tokenFor('viewer');
  });

  beforeEach(async () => {
    await (await sharedFirestoreEmulator()).reset();
  });

  const get = (path: string, token: string | null = viewer) => {
    const r = request(server).get(path);
    return token ? r.set('Authorization', `Bearer ${token}`) : r;
  };
  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

  /** Five versions covering every status and type. */
  const catalogue = (): ModelVersion[] => [
    makeVersion({ familyId: 'recs-prod', version: 3, name: 'recs-prod-v3', deployed: true, metrics: { recall_at_100: 0.823 } }),
    makeVersion({ familyId: 'recs-prod', version: 2, name: 'recs-prod-v2', metrics: { recall_at_100: 0.801 } }),
    makeVersion({ familyId: 'ranking-q4', version: 1, name: 'Ranking-Q4', modelType: 'ranking', deployed: true, metrics: { rmse: 0.452 } }),
    makeVersion({ familyId: 'test_v1', version: 2, name: 'test_v1-v2', blessed: null, metrics: {} }),
    makeVersion({ familyId: 'hybrid-experiment', version: 1, name: 'hybrid-experiment', modelType: 'hybrid', blessed: false, metrics: { recall_at_100: 0.78 } }),
  ];

  describe('authentication and roles', () => {
    it('answers 401 with code UNAUTHENTICATED without a bearer token', async () => {
      const res = await get('/api/models', null).expect(401);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    });

    it('answers 401 to a token signed with another key', async () => {
      // Flip a character inside the signature (the last one may only carry padding bits).
      const [header, payload, signature] = (await tokenFor('viewer')).split('.') as [string, string, string];
      const flipped = signature.slice(0, 5) + (signature[5] === 'A' ? 'B' : 'A') + signature.slice(6);
      const forged = `${header}.${payload}.${flipped}`;
      const res = await get('/api/models', forged).expect(401);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    });

    it('answers 401 to an expired token', async () => {
      await get('/api/models', await tokenFor('viewer', 'old@example.com', -60)).expect(401);
    });

    it('answers 403 with code FORBIDDEN to an authenticated caller without a role', async () => {
      const res = await get('/api/models', await tokenFor('none', 'stranger@example.com')).expect(403);
      assert.equal(res.body.error.code, 'FORBIDDEN');
      assert.equal(res.body.error.requiredRole, 'viewer');
    });

    it('takes roles granted in the Firestore roles collection for callers whose token has none', async () => {
      await db.collection('roles').doc('granted@example.com').set({ role: 'viewer' });
      await get('/api/models', await tokenFor('none', 'granted@example.com')).expect(200);
    });

    it('serves health without a token', async () => {
      await get('/api/health', null).expect(200, { ok: true });
    });
  });

  describe('routing and input errors', () => {
    it('answers 404 ROUTE_NOT_FOUND as JSON for an unknown path', async () => {
      const res = await get('/api/nope').expect(404);
      assert.equal(res.body.error.code, 'ROUTE_NOT_FOUND');
    });

    it('answers 405 with an Allow header for a wrong method', async () => {
      const res = await request(server).delete('/api/models').set('Authorization', `Bearer ${viewer}`).expect(405);
      assert.equal(res.body.error.code, 'METHOD_NOT_ALLOWED');
      assert.equal(res.headers.allow, 'GET');
    });

    const badQueries: [string, string][] = [
      ['page_size=0', 'query.page_size'],
      ['page_size=101', 'query.page_size'],
      ['page_size=ten', 'query.page_size'],
      ['model_type=vision', 'query.model_type'],
      ['status=shiny', 'query.status'],
      ['sort=random', 'query.sort'],
      ['colour=blue', 'query'],
      ['cursor=not-a-cursor', 'query.cursor'],
      ['sort=name&sort=latest', 'query.sort'],
      [`search=${'x'.repeat(101)}`, 'query.search'],
    ];
    for (const [query, path] of badQueries) {
      it(`answers 400 naming ${path} for ?${query.slice(0, 40)}`, async () => {
        const res = await get(`/api/models?${query}`).expect(400);
        assert.equal(res.body.error.code, 'VALIDATION_FAILED');
        assert.ok(
          res.body.error.fields.some((f: { path: string }) => f.path === path),
          `fields were ${JSON.stringify(res.body.error.fields)}`,
        );
      });
    }

    it('rejects a cursor issued for another sort', async () => {
      await seedRegistry(db, { versions: catalogue() });
      const first = await get('/api/models?page_size=1&sort=name').expect(200);
      const res = await get(`/api/models?sort=latest&cursor=${first.body.nextCursor}`).expect(400);
      assert.equal(res.body.error.fields[0].path, 'query.cursor');
    });

    it('answers 404 NOT_FOUND for a missing version and 400 for a malformed id', async () => {
      assert.equal((await get('/api/models/nothing-v9').expect(404)).body.error.code, 'NOT_FOUND');
      assert.equal((await get('/api/models/..%2F..%2Fetc').expect(400)).body.error.fields[0].path, 'params.id');
    });
  });

  describe('listing', () => {
    beforeEach(async () => seedRegistry(db, { versions: catalogue() }));

    it('lists newest first with the derived status badge on each row', async () => {
      const res = await get('/api/models').expect(200);
      assert.deepEqual(ids(res.body), ['recs-prod-v3', 'test_v1-v2', 'recs-prod-v2', 'ranking-q4-v1', 'hybrid-experiment-v1']);
      const badges = Object.fromEntries(res.body.items.map((i: { id: string; badge: string }) => [i.id, i.badge]));
      assert.deepEqual(badges, {
        'recs-prod-v3': 'DEPLOYED', 'test_v1-v2': 'PENDING', 'recs-prod-v2': 'IDLE',
        'ranking-q4-v1': 'DEPLOYED', 'hybrid-experiment-v1': 'NOT BLESSED',
      });
      assert.equal(res.body.nextCursor, null);
      assert.equal(res.body.items[0].primaryMetric.label, 'R@100');
    });

    const filters: [string, string[]][] = [
      ['model_type=ranking', ['ranking-q4-v1']],
      ['model_type=hybrid', ['hybrid-experiment-v1']],
      ['model_type=multitask', []],
      ['status=blessed', ['recs-prod-v3', 'recs-prod-v2', 'ranking-q4-v1']],
      ['status=not_blessed', ['hybrid-experiment-v1']],
      ['status=deployed', ['recs-prod-v3', 'ranking-q4-v1']],
      ['status=idle', ['recs-prod-v2']],
      ['status=pending', ['test_v1-v2']],
      ['model_type=retrieval&status=deployed', ['recs-prod-v3']],
    ];
    for (const [query, expected] of filters) {
      it(`filters ?${query}`, async () => {
        const res = await get(`/api/models?${query}`).expect(200);
        assert.deepEqual(ids(res.body), expected);
      });
    }

    it('sorts oldest first', async () => {
      const res = await get('/api/models?sort=oldest').expect(200);
      assert.deepEqual(ids(res.body), ['hybrid-experiment-v1', 'ranking-q4-v1', 'recs-prod-v2', 'test_v1-v2', 'recs-prod-v3']);
    });

    it('sorts best: recall@100 descending, then ranking by RMSE ascending, then versions without a metric', async () => {
      await seedRegistry(db, { versions: [makeVersion({ familyId: 'ranking-q4', version: 2, modelType: 'ranking', metrics: { rmse: 0.3 } })] });
      const res = await get('/api/models?sort=best').expect(200);
      assert.deepEqual(ids(res.body), ['recs-prod-v3', 'recs-prod-v2', 'hybrid-experiment-v1', 'ranking-q4-v2', 'ranking-q4-v1', 'test_v1-v2']);
    });

    it('sorts by name case-insensitively', async () => {
      const res = await get('/api/models?sort=name').expect(200);
      assert.deepEqual(res.body.items.map((i: { name: string }) => i.name), ['hybrid-experiment', 'Ranking-Q4', 'recs-prod-v2', 'recs-prod-v3', 'test_v1-v2']);
    });

    const searches: [string, string[]][] = [
      ['prod', ['recs-prod-v3', 'recs-prod-v2']],
      ['PROD-V3', ['recs-prod-v3']],
      ['-v2', ['test_v1-v2', 'recs-prod-v2']],
      ['q4', ['ranking-q4-v1']],
      ['_v1', ['test_v1-v2']],
      ['hybrid-experiment', ['hybrid-experiment-v1']], // longer than a token: filtered in memory
      ['nothing-like-this', []],
    ];
    for (const [term, expected] of searches) {
      it(`searches names for "${term}" as a case-insensitive substring`, async () => {
        const res = await get(`/api/models?search=${encodeURIComponent(term)}`).expect(200);
        assert.deepEqual(ids(res.body), expected);
      });
    }

    it('finds non-ASCII names whatever their case', async () => {
      await seedRegistry(db, { versions: [makeVersion({ familyId: 'zurich', version: 1, name: 'Zürich-Ranker-ÉTÉ' })] });
      assert.deepEqual(ids((await get(`/api/models?search=${encodeURIComponent('ürich-ranker-été')}`).expect(200)).body), ['zurich-v1']);
      assert.deepEqual(ids((await get(`/api/models?search=${encodeURIComponent('ÜRICH')}`).expect(200)).body), ['zurich-v1']);
    });

    it('also matches the family id, for versions named after their run', async () => {
      await seedRegistry(db, { versions: [makeVersion({ familyId: 'minute-model', version: 1, name: 'TR-60' })] });
      assert.deepEqual(ids((await get('/api/models?search=minute').expect(200)).body), ['minute-model-v1']);
      assert.deepEqual(ids((await get('/api/models?search=minute-model-v').expect(200)).body), []);
    });

    it('combines search, filter and sort', async () => {
      const res = await get('/api/models?search=recs&status=idle&sort=name').expect(200);
      assert.deepEqual(ids(res.body), ['recs-prod-v2']);
    });
  });

  describe('pagination', () => {
    const many = Array.from({ length: 57 }, (_, i) =>
      makeVersion({
        familyId: `fam-${i % 4}`, version: i + 1, name: `Model-${String(i).padStart(2, '0')}-${i % 3 === 0 ? 'alpha' : 'beta'}`,
        // Ties on purpose: equal timestamps and scores must still page without loss.
        registeredAt: new Date(Date.UTC(2026, 0, 1 + (i % 9))).toISOString(),
        metrics: { recall_at_100: Math.round((i % 5) * 10) / 100 },
      }),
    );

    beforeEach(async () => seedRegistry(db, { versions: many }));

    for (const query of ['sort=latest', 'sort=oldest', 'sort=best', 'sort=name', 'search=alpha&sort=best', 'search=model-&sort=latest']) {
      it(`pages to the end without duplicates or gaps (${query})`, async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: request.Response = await get(`/api/models?${query}&page_size=10${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
          assert.ok(res.body.items.length <= 10);
          seen.push(...ids(res.body));
          cursor = res.body.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        const expected = query.includes('alpha') ? many.filter((v) => v.name.includes('alpha')) : many;
        assert.equal(new Set(seen).size, seen.length, 'no duplicates');
        assert.deepEqual([...seen].sort(), expected.map((v) => v.id).sort(), 'no gaps');
      });
    }

    it('defaults to pages of 25', async () => {
      const res = await get('/api/models').expect(200);
      assert.equal(res.body.items.length, 25);
      assert.equal(res.body.pageSize, 25);
      assert.ok(res.body.nextCursor);
    });
  });

  describe('summary, detail, history and lineage', () => {
    it('summarises the registry with aggregation counts and the latest registration', async () => {
      await seedRegistry(db, { versions: [...catalogue(), makeVersion({ familyId: 'old', version: 1, archived: true })] });
      const res = await get('/api/models/summary').expect(200);
      assert.deepEqual(res.body, {
        total: 5, blessed: 3, deployed: 2, idle: 1, notBlessed: 1, pending: 1,
        latest: { versionId: 'recs-prod-v3', name: 'recs-prod-v3', registeredAt: catalogue()[0]!.registeredAt },
      });
    });

    it('keeps the KPI counters in step with the changes, and the reconcile job repairs drift from writes made around them', async () => {
      const handle = { db, fs: await import('@google-cloud/firestore') };
      await seedRegistry(db, { versions: catalogue() });
      const before = await reconcileSummaryCounters(handle);
      assert.equal(before.repaired, false, 'seeding counts what it writes');

      // A version written straight to Firestore (a restore, a script) is not counted until the reconcile.
      await db.collection('versions').doc('stray-v1').set(versionToDoc(makeVersion({ familyId: 'stray', version: 1, blessed: false })));
      assert.equal((await get('/api/models/summary').expect(200)).body.total, 5);
      const repair = await reconcileSummaryCounters(handle);
      assert.deepEqual([repair.repaired, repair.stored?.total, repair.counted.total, repair.counted.notBlessed], [true, 5, 6, 2]);
      const summary = (await get('/api/models/summary').expect(200)).body;
      assert.deepEqual([summary.total, summary.blessed, summary.deployed, summary.idle, summary.notBlessed, summary.pending], [6, 3, 2, 1, 2, 1]);
      assert.equal((await reconcileSummaryCounters(handle)).repaired, false);
    });

    it('summarises an empty registry as zeros with no latest', async () => {
      const res = await get('/api/models/summary').expect(200);
      assert.equal(res.body.total, 0);
      assert.equal(res.body.latest, null);
    });

    it('returns one version with its derived fields', async () => {
      await seedRegistry(db, { versions: catalogue() });
      const res = await get('/api/models/ranking-q4-v1/').expect(200);
      assert.equal(res.body.name, 'Ranking-Q4');
      assert.equal(res.body.status, 'deployed');
      assert.deepEqual(res.body.primaryMetric, { name: 'rmse', label: 'RMSE', value: 0.452, higherIsBetter: false });
      assert.equal(res.body.searchTokens, undefined, 'query-only fields stay internal');
    });

    it('answers 404 for a version its family does not have, and gives the history of one older than those listed', async () => {
      await seedRegistry(db, { versions: Array.from({ length: 202 }, (_, i) => makeVersion({ version: i + 1 })) });
      assert.equal((await get('/api/models/recs-prod-v999/versions').expect(404)).body.error.code, 'NOT_FOUND');
      const oldest = await get('/api/models/recs-prod-v1/versions').expect(200);
      assert.deepEqual([oldest.body.familyId, oldest.body.versionId, oldest.body.items.length, oldest.body.items[0].version], ['recs-prod', 'recs-prod-v1', 200, 202]);
    });

    it('gives the family history newest first with metric deltas to the previous version', async () => {
      await seedRegistry(db, {
        versions: [
          makeVersion({ version: 1, metrics: { recall_at_100: 0.756, loss: 0.4 } }),
          makeVersion({ version: 2, metrics: { recall_at_100: 0.801, loss: 0.35 } }),
          makeVersion({ version: 3, metrics: { recall_at_100: 0.823, loss: 0.31 } }),
          makeVersion({ familyId: 'other', version: 1 }),
        ],
      });
      const res = await get('/api/models/recs-prod-v2/versions').expect(200);
      assert.deepEqual(res.body.items.map((i: { version: number }) => i.version), [3, 2, 1]);
      const v3 = res.body.items[0];
      assert.equal(v3.previousVersion, 2);
      const recall = v3.deltas.find((d: { metric: string }) => d.metric === 'recall_at_100');
      assert.deepEqual(recall, { metric: 'recall_at_100', from: 0.801, to: 0.823, change: 0.022, direction: 'up', improved: true });
      const loss = v3.deltas.find((d: { metric: string }) => d.metric === 'loss');
      assert.equal(loss.direction, 'down');
      assert.equal(loss.improved, true);
      assert.equal(res.body.items[2].previousVersion, null);
    });

    it('draws lineage experiment → run → model with its configuration and related runs', async () => {
      const config = {
        dataset: { id: 'ds-1', name: 'Q4 Transactions 2025', summary: '2.4M rows • 3 tables' },
        featureConfig: { id: 'cfg-042', name: 'cfg-042 (v3)', summary: '128 dims' },
        modelConfig: { id: 'mc-1', name: 'Standard Retrieval', summary: '3-layer towers' },
        trainingParams: { epochs: 20 },
      };
      await seedRegistry(db, {
        versions: [makeVersion({ version: 3, trainingRunId: '47' })],
        runs: [
          makeRun({ id: '47', runNumber: 47, experimentId: 'exp-45', experimentName: 'Quick Test #45', config, metrics: { recall_at_100: 0.82 }, versionId: 'recs-prod-v3' }),
          makeRun({ id: '42', runNumber: 42 }),
          makeRun({ id: '99', runNumber: 99, familyId: 'other' }),
        ],
      });
      const res = await get('/api/models/recs-prod-v3/lineage').expect(200);
      const kinds = res.body.nodes.map((n: { kind: string }) => n.kind);
      assert.deepEqual(kinds, ['experiment', 'model', 'training_run', 'dataset', 'feature_config', 'model_config']);
      assert.deepEqual(res.body.edges.slice(0, 2), [
        { from: 'experiment:exp-45', to: 'run:47' },
        { from: 'run:47', to: 'model:recs-prod-v3' },
      ]);
      assert.deepEqual(res.body.relatedRuns.map((r: { id: string; isThisModel: boolean }) => [r.id, r.isThisModel]), [['47', true], ['42', false]]);
    });

    it("draws the version's own run when it is older than the related runs listed, linked back or not", async () => {
      const newer = Array.from({ length: 21 }, (_, i) => makeRun({ id: `r${100 + i}`, runNumber: 100 + i }));
      await seedRegistry(db, {
        versions: [makeVersion({ version: 3, trainingRunId: '7' }), makeVersion({ version: 4, trainingRunId: '8' })],
        runs: [
          makeRun({ id: '7', runNumber: 7, experimentId: 'exp-7', versionId: null }),
          makeRun({ id: '8', runNumber: 8, experimentId: 'exp-8', versionId: 'recs-prod-v4' }),
          ...newer,
        ],
      });
      for (const [version, run] of [[3, '7'], [4, '8']]) {
        const res = await get(`/api/models/recs-prod-v${version}/lineage`).expect(200);
        assert.deepEqual(res.body.edges.slice(0, 2), [{ from: `experiment:exp-${run}`, to: `run:${run}` }, { from: `run:${run}`, to: `model:recs-prod-v${version}` }]);
        assert.equal(res.body.relatedRuns.length, 20);
        assert.equal(res.body.relatedRuns.some((r: { isThisModel: boolean }) => r.isThisModel), false);
      }
    });
  });

  describe('CORS', () => {
    it('allows configured dashboard origins, including preflight', async () => {
      const res = await request(server).options('/api/models').set('Origin', 'https://dash.example.com').expect(204);
      assert.equal(res.headers['access-control-allow-origin'], 'https://dash.example.com');
      assert.match(String(res.headers['access-control-allow-headers']), /authorization/);
    });

    it('keeps Vary: Origin beside Authorization and Accept-Encoding on an allowed origin\'s answers', async () => {
      await seedRegistry(db, { versions: catalogue() });
      const res = await get('/api/models').set('Origin', 'https://dash.example.com').set('Accept-Encoding', 'gzip').expect(200);
      assert.equal(res.headers['access-control-allow-origin'], 'https://dash.example.com');
      assert.deepEqual(String(res.headers.vary).split(', ').sort(), ['Accept-Encoding', 'Authorization', 'Origin']);
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.equal(res.body.items.length, 5);
    });

    it('does not allow other origins', async () => {
      const res = await get('/api/health', null).set('Origin', 'https://evil.example.com').expect(200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });
  });
});
