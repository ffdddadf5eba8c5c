import assert from 'node:assert/strict';
import { openDashboard, screenshot, startE2e, type E2e, type WatchedPage } from './support';

/** The dashboard's audit trail view, over GET /api/audit of the local stack. */
describe('dashboard audit trail', function () {
  this.timeout(60_000);
  let e2e: E2e;
  let watched: WatchedPage | undefined;

  before(async () => {
    e2e = await startE2e();
  });
  after(async () => {
    await watched?.page.close();
    await e2e?.stop();
  });

  it('lists alias moves newest first with who, what and why, and filters by kind', async () => {
    const put = (version: number, reason: string) => fetch(`${e2e.stack.url}/api/families/ranking-q4/aliases/staging`, {
      method: 'PUT', headers: { authorization: `Bearer ${e2e.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ version, reason }),
    });
    assert.equal((await put(2, 'first look')).status, 200);
    assert.equal((await put(3, 'better NDCG')).status, 200);

    watched = await openDashboard(e2e);
    const { page } = watched;
    assert.equal(await page.locator('#audit-table').isVisible(), false, 'not loaded until opened');
    await page.getByRole('button', { name: 'Show the audit trail' }).click();
    const rows = page.locator('#audit-table tbody tr');
    await rows.first().waitFor();
    const first = await rows.first().innerText();
    assert.match(first, /alias\.moved\s+ranking-q4@staging\s+deployer@localhost\s+v2 → v3\s+better NDCG/);
    assert.equal(await page.locator('#audit-table tbody tr[data-kind="alias.moved"]').count() >= 2, true);

    await page.locator('#audit-kind').selectOption('version.deleted');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('Nothing audited matches.').waitFor();
    assert.equal(await rows.count(), 0);
    await screenshot(page, 'audit-trail');
    assert.deepEqual(watched.errors, []);
  });
});
