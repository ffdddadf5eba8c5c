import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ListSchedulesResponse } from '../../shared/schemas/schedule-api';
import type { SummaryResponse } from '../../shared/schemas/api';
import { browserSuite, type E2e, screenshot, TIME_ZONE, watchedPage } from './support';

/**
 * What a new user ran into on a first try of the dashboard (issue 15): toasts piling up, a token
 * link ignored by an open tab, the header's Deploy offered with nothing to deploy, and the empty
 * state's "Start Training Run" opening the promotion form. Against the local stack's demo registry.
 */
describe('dashboard on a first try', function () {
  this.timeout(60_000);
  let e2e: E2e;
  const { open, track } = browserSuite((started) => (e2e = started));

  const json = (status: number, body: unknown) => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const toasts = (page: Page) => page.locator('#toasts .toast').evaluateAll((els) => els.map((el) => ({
    text: (el.querySelector('.toast-text') as HTMLElement).innerText, count: Number((el as HTMLElement).dataset.count),
  })));


  it('shows at most three toasts, counts a repeated one instead of stacking it, keeps clear of the table\'s actions and dismisses them by itself', async () => {
    const { page } = await open();
    await page.setViewportSize({ width: 1440, height: 900 });
    // Downloads answer "not available yet" here: each one toasts "Preparing …" then the same refusal.
    await page.route('**/api/models/*/download', (route) => route.fulfill(json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'no such route' } })));
    const names = (await page.locator('tr.model-row .model-link').allInnerTexts()).slice(0, 4);
    const refusal = 'Download is not available yet on this server.';
    for (const [i, name] of names.entries()) {
      await page.getByRole('button', { name: `Actions for ${name}` }).click();
      await page.getByRole('menuitem', { name: 'Download ZIP' }).click();
      await page.waitForFunction(([text, n]) => [...document.querySelectorAll<HTMLElement>('#toasts .toast')]
        .some((t) => t.dataset.message === text && t.dataset.count === String(n)), [refusal, i + 1] as const);
      const shown = await toasts(page);
      assert.ok(shown.length <= 3, `${shown.length} toasts at once: ${JSON.stringify(shown)}`);
      assert.deepEqual(shown.filter((t) => t.text === refusal).map((t) => t.count), [i + 1], 'the refusal is one toast, counted');
      assert.equal(shown.at(-1)!.text, refusal, 'the newest sits nearest the corner');
    }
    const shown = await toasts(page);
    assert.equal(shown.length, 3);
    assert.deepEqual(shown.map((t) => t.text), [`Preparing ${names[2]}.zip…`, `Preparing ${names[3]}.zip…`, refusal], 'the oldest gave way');
    assert.match(await page.locator('#toasts .toast').last().innerText(), /×4/);
    await screenshot(page, 'toasts');

    const region = await page.locator('#toasts').boundingBox();
    const actions = await page.locator('.actions-btn').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    for (const a of actions.filter((b) => b.bottom > 0 && b.top < 900)) {
      const overlaps = region!.x < a.right && region!.x + region!.width > a.left && region!.y < a.bottom && region!.y + region!.height > a.top;
      assert.equal(overlaps, false, `the toasts cover an actions button at ${a.left},${a.top}`);
    }
    // Gone by themselves (5 s for information), and the popover with them.
    await page.waitForFunction(() => document.querySelectorAll('#toasts .toast').length === 0, undefined, { timeout: 8_000 });
    assert.equal(await page.locator('#toasts').evaluate((el) => el.matches(':popover-open')), false);
  });

  it('signs in when a #token= link is opened in a tab that shows the sign-in form, without reloading', async () => {
    const watched = track(await watchedPage(e2e.context));
    const { page } = watched;
    await page.goto(`${e2e.stack.url}/`);
    await page.evaluate(() => localStorage.removeItem('model-registry.token'));
    await page.reload();
    await page.getByLabel('Access token').waitFor();
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await page.goto(`${e2e.stack.url}/#token=${e2e.token}`);
    await page.waitForSelector('html[data-ready]');
    assert.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'the page was not reloaded');
    assert.equal(await page.locator('#signin').isHidden(), true);
    assert.ok(await page.locator('tr.model-row').count() > 0);
    assert.equal(await page.evaluate(() => location.hash), '', 'the token is stripped from the address bar');
    assert.equal(await page.evaluate(() => localStorage.getItem('model-registry.token')), e2e.token);
  });

  it('disables the header\'s Deploy, saying why, while no blessed version waits to be deployed, and enables it when one does', async () => {
    const summary = await e2e.api<SummaryResponse>('/api/models/summary');
    assert.ok(summary.idle > 0, 'the demo has blessed versions to deploy');
    const { page } = await open();
    const deploy = page.locator('#deploy-open');
    assert.equal(await deploy.isEnabled(), true);
    assert.equal(await deploy.getAttribute('title'), null);

    // The same registry with every blessed version serving.
    await page.route('**/api/models/summary', async (route) => route.fulfill(json(200, { ...summary, idle: 0 })));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForFunction(() => (document.getElementById('deploy-open') as HTMLButtonElement).disabled);
    assert.match((await deploy.getAttribute('title'))!, /Nothing to deploy/);

    await page.unroute('**/api/models/summary');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForFunction(() => !(document.getElementById('deploy-open') as HTMLButtonElement).disabled);
    assert.equal(await deploy.getAttribute('title'), null);
  });

  it('opens the training-run form from the empty state\'s "Start Training Run" and schedules the run it describes', async () => {
    const watched = track(await watchedPage(e2e.context));
    const { page } = watched;
    await page.route('**/api/models?*', (route) => route.fulfill(json(200, { items: [], nextCursor: null, pageSize: 25 })));
    await page.goto(`${e2e.stack.url}/#token=${e2e.token}`);
    await page.waitForSelector('html[data-ready]');
    await page.locator('[data-state="empty"]').getByRole('button', { name: 'Start Training Run' }).click();
    const form = page.getByRole('dialog', { name: 'Start a training run' });
    await form.waitFor();
    assert.equal(await page.getByRole('dialog', { name: 'Promote to a model version' }).count(), 0);

    // The timing fields follow the choice.
    const when = form.getByLabel('When');
    await when.selectOption('weekly');
    assert.deepEqual([await form.getByLabel('Day').isVisible(), await form.getByLabel('Time', { exact: true }).isVisible(), await form.getByLabel(/Start at/).isVisible()], [true, true, false]);
    await when.selectOption('once');
    assert.equal(await form.getByLabel(/Start at/).isVisible(), true);
    assert.equal(await form.getByLabel('Time zone').inputValue(), TIME_ZONE);

    await form.getByLabel('Run name').fill('first-run');
    await form.getByLabel('Model family').fill('first-family');
    await form.getByLabel('Model type').selectOption('ranking');
    await form.getByLabel('Pipeline template').fill('gs://templates/tfx.json');
    // A refusal keeps the form open and names the field.
    await form.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await form.getByRole('button', { name: 'Schedule run' }).click();
    // The error line exists (empty) before the answer: wait for its text rather than read it at once.
    await form.locator('.dialog-error', { hasText: /\S/ }).waitFor();
    assert.match(await form.locator('.dialog-error').innerText(), /timeZone.*not a known IANA time zone/);
    assert.ok(watched.errors.length === 1 && watched.errors[0]!.includes('status of 400'), watched.errors.join('\n'));
    watched.errors.length = 0;
    await form.getByLabel('Time zone').fill(TIME_ZONE);

    const runAt = await form.getByLabel(/Start at/).evaluate((input) => new Date((input as HTMLInputElement).value).toISOString());
    await screenshot(page, 'training-run-form');
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/training-schedules');
    const calendarAfter = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/training-schedules/calendar');
    await form.getByRole('button', { name: 'Schedule run' }).click();
    assert.deepEqual((await posted).postDataJSON(), {
      name: 'first-run', familyId: 'first-family', modelType: 'ranking', type: 'once', timeZone: TIME_ZONE, pipelineTemplate: 'gs://templates/tfx.json', runAt,
    });
    await form.waitFor({ state: 'detached' });
    await page.locator('.toast', { hasText: 'Scheduled first-run' }).waitFor();
    await calendarAfter; // the grid reloads to show the planned run

    const schedules = await e2e.api<ListSchedulesResponse>('/api/training-schedules?page_size=100');
    const created = schedules.items.find((s) => s.name === 'first-run');
    assert.ok(created, 'the schedule exists');
    assert.deepEqual([created.type, created.familyId, created.modelType, created.runAt, created.nextFireTime], ['once', 'first-family', 'ranking', runAt, runAt]);
  });
});
