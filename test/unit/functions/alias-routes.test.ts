import assert from 'node:assert/strict';
import { ValidationError } from '../../../shared/errors';
import type { AliasService } from '../../../functions/src/app/aliases';
import { createVersionRefResolver } from '../../../functions/src/app/aliases';
import type { RouteContext } from '../../../functions/src/http/route';
import { aliasRoutes } from '../../../functions/src/http/routes/alias-routes';

/** The alias routes over a service that records what it is asked, and aliases `ranker@staging` → v4. */
function routes() {
  const calls: unknown[][] = [];
  const service = {
    async move(...args: unknown[]) { calls.push(['move', ...args.slice(0, 3)]); return { changed: true }; },
    async remove(...args: unknown[]) { calls.push(['remove', ...args.slice(0, 3)]); return { changed: true }; },
  } as unknown as AliasService;
  const resolve = createVersionRefResolver({ resolve: async (familyId, alias) => (familyId === 'ranker' && alias === 'staging' ? 'ranker-v4' : null) });
  const [, put, del] = aliasRoutes(service, resolve);
  const ctx = (over: Partial<RouteContext>) => ({
    params: { familyId: 'ranker', alias: 'prod' }, query: {}, body: {}, principal: { subject: 's', email: 'ed@example.com', role: 'editor' }, ...over,
  }) as RouteContext;
  return {
    calls,
    put: (body: object) => put!.handle(ctx({ body })),
    del: (query: Record<string, unknown>) => del!.handle(ctx({ query })),
  };
}

async function refusal(promise: Promise<unknown>): Promise<{ path: string; message: string }> {
  const error = await promise.then(() => null, (e: unknown) => e);
  assert.ok(error instanceof ValidationError, `refused with a ValidationError, got ${String(error)}`);
  return error.fields[0]!;
}

describe('alias routes: the version forms every other route accepts', () => {
  const forms: [unknown, number][] = [
    [2, 2], ['v2', 2], ['ranker-v2', 2], ['ranker@v2', 2], ['ranker@2', 2], ['ranker@staging', 4],
  ];
  for (const [version, number] of forms) {
    it(`moves an alias to ${JSON.stringify(version)} as version ${number}, and takes it as expectedVersion too`, async () => {
      const r = routes();
      await r.put({ version, expectedVersion: version });
      await r.del({ expectedVersion: String(version) });
      assert.deepEqual(r.calls, [
        ['move', 'ranker', 'prod', { version: number, expectedVersion: number }],
        ['remove', 'ranker', 'prod', number],
      ]);
    });
  }

  it('refuses a bare numeric string in the body, naming the field: a number goes as a JSON number', async () => {
    const r = routes();
    const field = await refusal(r.put({ version: '2' }));
    assert.equal(field.path, 'body.version');
    assert.match(field.message, /JSON number \(2\) or as "v2"/);
    assert.deepEqual(r.calls, []);
  });

  it('keeps expectedVersion null (the alias must not exist yet) and absent', async () => {
    const r = routes();
    await r.put({ version: 'v1', expectedVersion: null });
    await r.put({ version: 'v1' });
    await r.del({});
    assert.deepEqual(r.calls, [
      ['move', 'ranker', 'prod', { version: 1, expectedVersion: null }],
      ['move', 'ranker', 'prod', { version: 1, expectedVersion: undefined }],
      ['remove', 'ranker', 'prod', undefined],
    ]);
  });

  it('refuses another family\'s version, naming it', async () => {
    const r = routes();
    assert.deepEqual(await refusal(r.put({ version: 'ranker-x-v2' })), { path: 'body.version', message: 'names ranker-x-v2, which is not a version of ranker' });
    assert.equal((await refusal(r.del({ expectedVersion: 'other@v1' }))).path, 'query.expectedVersion');
    assert.deepEqual(r.calls, []);
  });

  it('refuses what is no version at all, saying which forms it takes', async () => {
    const r = routes();
    for (const version of ['v0', 'two', 'ranker@Prod', '', 0, 1.5]) {
      const issue = await refusal(r.put({ version }));
      assert.equal(issue.path, 'body.version', JSON.stringify(version));
    }
    assert.match((await refusal(r.put({ version: 'two' }))).message, /<n>, v<n>, <family>-v<n>/);
    assert.equal((await refusal(r.put({ version: 1, expectedVersion: 'v' }))).path, 'body.expectedVersion');
    assert.deepEqual(r.calls, []);
  });
});
