import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expandCalendar, type CalendarWire } from '../../shared/domain/calendar-wire';
import type { LineageResponse, ListModelsResponse, ModelVersionView, SummaryResponse, VersionsResponse } from '../../shared/schemas/api';
import { ARTIFACTS, openDashboard, screenshot, startE2e, TIME_ZONE, todayIn, watchedPage, type E2e, type WatchedPage } from './support';

/**
 * The dashboard in Chromium against the whole local stack (demo registry): every number on the
 * page is compared with what the API answers for the same question.
 */
describe('dashboard in Chromium against the local stack', function () {
  this.timeout(60_000);
  let e2e: E2e;
  let pages: WatchedPage[] = [];
  /** The dashboard as first opened, shared by the read-only checks (a page load costs seconds here). */
  let home: WatchedPage;

  const open = async (query = '') => {
    const watched = await openDashboard(e2e, query);
    pages.push(watched);
    return watched;
  };
  const rowIds = (page: Page) => page.locator('tr.model-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id));
  const listIds = async (query: string) => (await e2e.api<ListModelsResponse>(`/api/models?${query}`)).items.map((v) => v.id);
  /** Waits until the table shows exactly these versions, in this order. */
  const expectRows = async (page: Page, ids: string[]) => {
    await page.waitForFunction((expected) => {
      const shown = [...document.querySelectorAll<HTMLElement>('tr.model-row')].map((r) => r.dataset.id);
      return JSON.stringify(shown) === JSON.stringify(expected);
    }, ids, { timeout: 5_000 }).catch(async () => assert.deepEqual(await rowIds(page), ids));
  };

  before(async () => {
    e2e = await startE2e();
    home = await openDashboard(e2e);
  });

  afterEach(async () => {
    const errors = [...pages, home].flatMap((p) => p.errors.splice(0));
    await Promise.all(pages.map((p) => p.page.close()));
    pages = [];
    assert.deepEqual(errors, [], 'the page logged console errors');
  });

  after(async () => {
    await e2e?.stop();
  });

  it('ships the dashboard as one JS bundle and one CSS file, under 60 KB gzipped together', async () => {
    const files = await readdir(e2e.build.outDir);
    const html = await readFile(join(e2e.build.outDir, 'index.html'), 'utf8');
    assert.equal([...html.matchAll(/<script src="app-[A-Z0-9]+\.js"/g)].length, 1);
    assert.equal([...html.matchAll(/<link rel="stylesheet" href="[^"]+\.css"/g)].length, 1);
    assert.deepEqual(files.filter((f) => f.endsWith('.html')).sort(), ['docs.html', 'index.html']);
    const { jsGzip, cssGzip } = e2e.build.bytes;
    assert.ok(jsGzip + cssGzip <= 60 * 1024, `bundle is ${jsGzip + cssGzip} bytes gzipped`);
  });

  it('revisits from the browser cache: hashed files not fetched again, the HTML and the first three API calls revalidated to 304s', async () => {
    const watched = await watchedPage(e2e.context);
    pages.push(watched);
    const cdp = await e2e.context.newCDPSession(watched.page);
    await cdp.send('Network.enable');
    const paths = new Map<string, string>();
    /** The status each answer came over the wire with: a revalidated one reaches the page as the cached 200. */
    const wireById = new Map<string, number>();
    const fromCache = new Set<string>();
    cdp.on('Network.requestWillBeSent', (e) => paths.set(e.requestId, new URL(e.request.url).pathname));
    cdp.on('Network.requestServedFromCache', (e) => fromCache.add(paths.get(e.requestId) ?? e.requestId));
    cdp.on('Network.responseReceived', (e) => { if (e.response.fromDiskCache) fromCache.add(new URL(e.response.url).pathname); });
    // By request id: Chromium may report the wire status before the request it belongs to.
    cdp.on('Network.responseReceivedExtraInfo', (e) => wireById.set(e.requestId, e.statusCode));
    // The home page's visit filled this context's cache; the token is in localStorage.
    await watched.page.goto(`${e2e.stack.url}/`);
    await watched.page.waitForSelector('html[data-ready]');
    const html = await readFile(join(e2e.build.outDir, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => `/${m[1]}`);
    assert.equal(assets.length, 2);
    const wire = new Map([...wireById].map(([id, status]) => [paths.get(id) ?? id, status]));
    const seen = JSON.stringify({ wire: [...wire], fromCache: [...fromCache] });
    for (const asset of assets) {
      assert.ok(fromCache.has(asset), `${asset} from the cache: ${seen}`);
      assert.equal(wire.get(asset), undefined, `${asset} not asked for: ${seen}`);
    }
    for (const path of ['/', '/api/models/summary', '/api/training-schedules/calendar', '/api/models']) assert.equal(wire.get(path), 304, `${path}: ${seen}`);
    await cdp.detach();
  });

  it('shows the API reference at /docs.html, one card per operation of GET /api/openapi.json', async () => {
    const document = await (await fetch(`${e2e.stack.url}/api/openapi.json`)).json() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(document.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    const page = await e2e.context.newPage();
    await page.goto(`${e2e.stack.url}/docs.html`);
    await page.waitForSelector('.docs-operation');
    assert.equal(await page.locator('.docs-operation').count(), operations);
    assert.match(await page.locator('#listModels').innerText(), /GET \/api\/models\n[^]*role: viewer[^]*page_size/);
    await page.close();
  });

  it('takes the token from #token= once, strips it, and paints after three API calls', async () => {
    const { page, apiCalls } = home;
    assert.equal(await page.evaluate(() => location.hash), '');
    assert.equal(await page.evaluate(() => localStorage.getItem('model-registry.token')), e2e.token);
    assert.deepEqual([...apiCalls].sort(), ['/api/models', '/api/models/summary', '/api/training-schedules/calendar']);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    await page.screenshot({ path: join(__dirname, '..', '..', 'dashboard', 'screenshot.png') });
  });

  it('shows the KPIs the summary endpoint reports', async () => {
    const { page } = home;
    const summary = await e2e.api<SummaryResponse>('/api/models/summary');
    for (const key of ['total', 'blessed', 'deployed', 'idle'] as const) {
      assert.equal(await page.locator(`[data-kpi="${key}"] .kpi-value`).getAttribute('data-value'), String(summary[key]), key);
    }
    assert.equal(await page.locator('[data-kpi="latest"] .kpi-value').getAttribute('data-value'), summary.latest?.registeredAt);
    assert.match(await page.locator('[data-kpi="latest"]').innerText(), new RegExp(summary.latest!.name));
  });

  it('draws 40 Monday-first weeks of 7 days in the browser time zone, today outlined in blue', async () => {
    const { page } = home;
    const calendar = expandCalendar(await e2e.api<CalendarWire>(`/api/training-schedules/calendar/full?weeks_past=10&weeks_future=30&tz=${TIME_ZONE}`));
    assert.equal(await page.locator('.schedule-grid-column').count(), 40);
    for (const column of await page.locator('.schedule-grid-column').all()) assert.equal(await column.locator('.schedule-grid-cell').count(), 7);
    const cells = await page.locator('.schedule-grid-cell').evaluateAll((els) => els.map((el) => ({
      date: (el as HTMLElement).dataset.date!, count: Number((el as HTMLElement).dataset.count), classes: el.className,
    })));
    // The browser's Monday-aligned days are the server's days for the same time zone.
    assert.deepEqual(cells.map((c) => c.date), calendar.window.days);
    assert.equal(new Date(`${cells[0]!.date}T12:00:00Z`).getUTCDay(), 1, 'the first row is a Monday');
    for (const cell of cells) {
      const expected = (calendar.historical[cell.date] ?? []).reduce((n, r) => n + r.runs, 0) + (calendar.scheduled[cell.date] ?? []).reduce((n, s) => n + s.fires, 0);
      assert.equal(cell.count, expected, `count on ${cell.date}`);
      assert.equal(cell.classes.includes('has-failed'), (calendar.historical[cell.date] ?? []).some((r) => (r.statuses.failed ?? 0) > 0), `failed tint on ${cell.date}`);
      assert.equal(cell.classes.includes('has-missed'), (calendar.missed[cell.date]?.length ?? 0) > 0, `missed mark on ${cell.date}`);
    }
    assert.ok(cells.some((c) => c.classes.includes('has-failed')), 'the demo has failed runs to tint');
    const today = todayIn(TIME_ZONE);
    assert.equal(calendar.window.today, today);
    const todayCell = page.locator('.schedule-grid-cell.today');
    assert.equal(await todayCell.count(), 1);
    assert.equal(await todayCell.getAttribute('data-date'), today);
    const outline = await todayCell.evaluate((el) => getComputedStyle(el));
    assert.equal(outline.outlineColor, 'rgb(37, 99, 235)');
    assert.equal(outline.outlineWidth, '2px');
    assert.equal(outline.outlineStyle, 'solid');
    assert.ok(await page.locator('.schedule-grid-cell.past').count() > 0);
    assert.equal(await page.locator(`.schedule-grid-cell.past[data-date="${today}"]`).count(), 0);
    assert.equal(await page.locator('.schedule-grid-cell.level-1').first().evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(155, 233, 168)');
  });

  it('names a day\'s runs in the tooltip and lists them in the popover, linking to their model', async () => {
    const { page } = await open();
    const calendar = expandCalendar(await e2e.api<CalendarWire>(`/api/training-schedules/calendar/full?tz=${TIME_ZONE}`));
    const [day, runs] = Object.entries(calendar.historical).find(([, r]) => r.some((run) => run.versionId))!;
    const cell = page.locator(`.schedule-grid-cell[data-date="${day}"]`);
    await cell.hover();
    const tooltip = page.locator('#grid-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const longDate = new Intl.DateTimeFormat('en-US', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
    const tip = await tooltip.innerText();
    assert.match(tip, new RegExp(longDate));
    // The grid names a day's first five schedules (or families), each once with its count.
    for (const run of runs.slice(0, 5)) assert.match(tip, new RegExp(run.runs > 1 ? `${run.label} ×${run.runs}` : run.label));

    await cell.click();
    const popover = page.locator(`.grid-popover[data-date="${day}"]`);
    // The day's every entry is fetched when its popover opens.
    await popover.locator('.popover-body:not([aria-busy])').waitFor();
    for (const run of runs) assert.match(await popover.innerText(), new RegExp(`${run.runs > 1 ? run.label : run.name}[\\s\\S]*Type: ${run.type}`, 'i'));
    await screenshot(page, 'grid-popover');
    await page.keyboard.press('Escape');
    await popover.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.date), day, 'focus returns to the day');

    await page.keyboard.press('Enter');
    const run = runs.find((r) => r.versionId)!;
    const target = await e2e.api<ModelVersionView>(`/api/models/${run.versionId}`);
    await popover.getByRole('link', { name: 'View model', exact: true }).first().click();
    await page.locator('.model-modal #model-modal-title', { hasText: target.name }).waitFor();
    assert.match(await page.evaluate(() => location.search), new RegExp(`model=${run.versionId}`));
  });

  it('shows a scheduled day with its schedule description', async () => {
    const { page } = await open();
    const calendar = expandCalendar(await e2e.api<CalendarWire>(`/api/training-schedules/calendar/full?tz=${TIME_ZONE}`));
    const [day, slots] = Object.entries(calendar.scheduled).find(([d]) => d > calendar.window.today)!;
    await page.locator(`.schedule-grid-cell[data-date="${day}"]`).click();
    await page.locator('.grid-popover .popover-body:not([aria-busy])').waitFor();
    const text = await page.locator('.grid-popover').innerText();
    assert.match(text, /Scheduled Training Runs/);
    for (const slot of slots) {
      assert.ok(text.includes(slot.name), slot.name);
      assert.ok(text.includes(`Schedule: ${slot.description}`), slot.description);
    }
  });

  it('narrows the table by type, status and debounced search exactly as the API does', async () => {
    const { page, apiCalls } = await open();
    await expectRows(page, await listIds('sort=latest'));

    await page.selectOption('#filter-type', 'ranking');
    await expectRows(page, await listIds('model_type=ranking&sort=latest'));
    await page.selectOption('#filter-status', 'idle');
    await expectRows(page, await listIds('model_type=ranking&status=idle&sort=latest'));
    await page.selectOption('#filter-type', '');
    await page.selectOption('#filter-sort', 'best');
    await expectRows(page, await listIds('status=idle&sort=best'));
    await page.selectOption('#filter-status', '');
    await page.selectOption('#filter-sort', 'name');
    await expectRows(page, await listIds('sort=name'));

    const before = apiCalls.length;
    await page.locator('#filter-search').pressSequentially('recs', { delay: 40 });
    const expected = await listIds('sort=name&search=recs');
    assert.ok(expected.length > 0 && expected.length < 13);
    await expectRows(page, expected);
    const searches = apiCalls.slice(before).filter((p) => p === '/api/models');
    assert.equal(searches.length, 1, 'typing four letters within 300 ms makes one request');
    assert.equal(await page.evaluate(() => location.search), '?sort=name&q=recs');

    await page.locator('#filter-search').fill('no-such-model');
    await page.locator('[data-state="no-match"]').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectRows(page, await listIds('sort=name'));
  });

  it('restores filters and the open model tab from the URL after a reload', async () => {
    const { page } = await open('?type=retrieval&status=idle&sort=oldest');
    const expected = await listIds('model_type=retrieval&status=idle&sort=oldest');
    await expectRows(page, expected);
    await page.locator(`tr[data-id="${expected[0]}"] .model-link`).click();
    await page.getByRole('tab', { name: 'Versions' }).click();
    assert.equal(await page.evaluate(() => location.search), `?type=retrieval&status=idle&sort=oldest&model=${expected[0]}&tab=versions`);

    await page.reload();
    await page.waitForSelector('html[data-ready]');
    assert.equal(await page.inputValue('#filter-type'), 'retrieval');
    assert.equal(await page.inputValue('#filter-status'), 'idle');
    assert.equal(await page.inputValue('#filter-sort'), 'oldest');
    await expectRows(page, expected);
    await page.locator('.model-modal [data-panel="versions"] table[data-table="versions"]').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Versions' }).getAttribute('aria-selected'), 'true');

    await page.keyboard.press('Escape');
    await page.locator('.model-modal').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => location.search), '?type=retrieval&status=idle&sort=oldest');
  });

  it('pages through the models with the cursor ("Load more")', async () => {
    const { page } = await open('?page_size=5');
    const { items } = await e2e.api<ListModelsResponse>('/api/models?sort=latest&page_size=100');
    const all = items.map((v) => v.id);
    await expectRows(page, all.slice(0, 5));
    await page.getByRole('button', { name: 'Load more' }).click();
    await expectRows(page, all.slice(0, 10));
    await page.getByRole('button', { name: 'Load more' }).focus();
    await page.keyboard.press('Enter');
    await expectRows(page, all);
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), items[10]!.name, 'focus moves to the first new row');
  });

  it('renders every tab of the model modal from the API', async () => {
    const { page } = await open();
    const id = 'recs-prod-v3';
    const [versions, lineage] = await Promise.all([
      e2e.api<VersionsResponse>(`/api/models/${id}/versions`),
      e2e.api<LineageResponse>(`/api/models/${id}/lineage`),
    ]);
    const view = versions.items.find((v) => v.id === id)!;
    await page.locator(`tr[data-id="${id}"] .col-type`).click();
    const modal = page.locator('.model-modal');

    // Overview: a card per metric, the evaluation with its margin, the config cards.
    await modal.locator('.metric-card').first().waitFor();
    assert.equal(await modal.locator('.metric-card').count(), Object.keys(view.metrics).length);
    assert.equal(await modal.locator('[data-metric="recall_at_100"] .metric-card-value').innerText(), view.metrics.recall_at_100!.toFixed(3));
    const evaluation = await modal.locator('.evaluation-box').innerText();
    assert.match(evaluation, /Model Blessed/);
    assert.match(evaluation, /Margin: \+0\.123/);
    assert.match(await modal.locator('.config-cards').innerText(), new RegExp(view.config.dataset!.name));
    await screenshot(page, 'modal-overview');

    // Versions: one row per version; two picked show ▲/▼ deltas.
    await modal.getByRole('tab', { name: 'Versions' }).click();
    await modal.locator('table[data-table="versions"]').waitFor();
    assert.equal(await modal.locator('table[data-table="versions"] tbody tr').count(), versions.items.length);
    assert.match(await modal.locator('.version-comparison').innerText(), /v2 → v3[\s\S]*\+0\.022 ▲/i);
    await modal.locator('[data-version="recs-prod-v4"]').check();
    assert.match(await modal.locator('.version-comparison').innerText(), /v3 → v4[\s\S]*R@100\s+0\.823\s+0\.688\s+-0\.135 ▼/i);
    assert.equal(await modal.locator('.delta-worse').count() > 0, true);
    await screenshot(page, 'modal-versions');

    // Artifacts: the registered URI, the Vertex resource and the container, each with a copy button.
    await modal.getByRole('tab', { name: 'Artifacts' }).click();
    const artifacts = await modal.locator('[data-panel="artifacts"]').innerText();
    for (const text of [view.artifacts.modelUri, view.vertex.modelResourceName!, view.artifacts.servingContainerImage]) assert.ok(artifacts.includes(text), text);
    await modal.getByRole('button', { name: 'Copy resource name' }).click();
    await page.locator('.toast', { hasText: 'Resource name copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), view.vertex.modelResourceName);
    await screenshot(page, 'modal-artifacts');

    // Deployment: serving state, endpoint, machine type, replicas.
    await modal.getByRole('tab', { name: 'Deployment' }).click();
    const deployment = modal.locator('[data-deploy-state="deployed"]');
    assert.match(await deployment.innerText(), /Currently Deployed/);
    // The history table, or "not available yet" while GET /api/models/{id}/deployments is coming.
    await modal.locator('[data-slot="deployment-history"] :is(table, p.muted)').waitFor();
    for (const text of [view.deployment!.endpoint, view.deployment!.machineType, `Max Replicas: ${view.deployment!.maxReplicas}`]) assert.ok((await deployment.innerText()).includes(text), text);
    await screenshot(page, 'modal-deployment');

    // Lineage: an SVG node per lineage node, a path per edge, and the related runs.
    await modal.getByRole('tab', { name: 'Lineage' }).click();
    await modal.locator('svg.lineage-svg').waitFor();
    const kinds = await modal.locator('svg.lineage-svg g.lineage-node').evaluateAll((gs) => gs.map((g) => (g as SVGGElement).dataset.kind).sort());
    assert.deepEqual(kinds, lineage.nodes.map((n) => n.kind).sort());
    assert.ok(kinds.includes('experiment') && kinds.includes('training_run') && kinds.includes('model'));
    assert.equal(await modal.locator('svg.lineage-svg path.lineage-edge').count(), lineage.edges.length);
    assert.equal(await modal.locator('table[data-table="related-runs"] tbody tr').count(), lineage.relatedRuns.length);
    await screenshot(page, 'modal-lineage');
  });

  it('works from the keyboard: the actions menu opens with Enter, moves with arrows and closes with Escape', async () => {
    const { page } = await open();
    const button = page.getByRole('button', { name: 'Actions for ranking-q4-v3' });
    await button.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    const labels = await menu.getByRole('menuitem').allInnerTexts();
    assert.deepEqual(labels.map((l) => l.trim()), ['View details', 'Compare', 'Deploy', 'Copy artifact URL', 'Open in Vertex AI', 'Download ZIP']);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'View details');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Compare');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Actions for ranking-q4-v3');

    await page.getByRole('button', { name: 'Actions for recs-prod-v3' }).click();
    assert.deepEqual((await page.getByRole('menu').getByRole('menuitem').allInnerTexts()).map((l) => l.trim()).slice(2, 3), ['Undeploy']);
    await page.getByRole('menuitem', { name: 'Copy artifact URL' }).click();
    const view = (await e2e.api<ListModelsResponse>('/api/models?search=recs-prod-v3')).items[0]!;
    await page.locator('.toast', { hasText: 'Artifact URL copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), view.artifacts.modelUri);
  });

  it('says "not available yet" when the server lacks the deploy, download or promote route, and keeps working', async () => {
    const { page } = await open();
    // These stand in for a server without the routes, whether or not this one has them by now.
    const missing = (status: number) => ({ status, contentType: 'application/json', body: JSON.stringify({ error: { code: status === 404 ? 'ROUTE_NOT_FOUND' : 'METHOD_NOT_ALLOWED', message: 'no such route' } }) });
    const promotions: { path: string; body: unknown }[] = [];
    await page.route('**/api/models/*/deploy', (route) => route.fulfill(missing(404)));
    await page.route('**/api/models/*/download', (route) => route.fulfill(missing(405)));
    await page.route('**/api/families/*/versions:promote', (route) => {
      promotions.push({ path: new URL(route.request().url()).pathname, body: route.request().postDataJSON() });
      return route.fulfill(missing(404));
    });

    await page.getByRole('button', { name: 'Actions for ranking-q4-v3' }).click();
    await page.getByRole('menuitem', { name: 'Deploy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deploy ranking-q4-v3' });
    await dialog.waitFor();
    assert.equal(await dialog.getByText('Deploy although').isVisible(), false, 'a blessed version needs no force');
    await screenshot(page, 'deploy-dialog');
    await dialog.getByRole('button', { name: 'Deploy' }).click();
    await page.locator('.toast', { hasText: 'Deployment is not available yet' }).waitFor();
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Actions for ranking-q4-v3' }).click();
    await page.getByRole('menuitem', { name: 'Download ZIP' }).click();
    await page.locator('.toast', { hasText: 'Download is not available yet' }).waitFor();

    await page.getByRole('button', { name: 'Promote' }).click();
    const form = page.getByRole('dialog', { name: 'Promote to a model version' });
    await form.getByLabel('Model family').fill('recs-prod');
    await form.getByLabel('Training run ID').fill('47');
    await form.getByLabel('Version label (optional)').fill('v9');
    await form.getByRole('button', { name: 'Promote' }).click();
    await page.locator('.toast', { hasText: 'Promotion is not available yet' }).waitFor();
    assert.deepEqual(promotions, [{ path: '/api/families/recs-prod/versions:promote', body: { trainingRunId: '47', label: 'v9' } }]);

    await page.locator('tr[data-id="ranking-q4-v3"] .model-link').click();
    await page.locator('.model-modal .metric-card').first().waitFor();
  });

  it('offers the blessed, idle versions in the header\'s Deploy picker', async () => {
    const { page } = await open();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Deploy a model version' });
    const picker = dialog.getByLabel('Version');
    const idle = await listIds('status=idle&sort=latest&page_size=100');
    await page.waitForFunction((n) => document.querySelectorAll('dialog select[name="version"] option[value]:not([value=""])').length === n, idle.length);
    assert.deepEqual(await picker.locator('option:not([value=""])').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), idle);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('stays usable without the calendar, shows the seed\'s empty state, and recovers from a failed list', async () => {
    const watched = await watchedPage(e2e.context);
    pages.push(watched);
    const { page, errors } = watched;
    const json = (status: number, body: unknown) => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
    await page.route('**/api/training-schedules/calendar?*', (route) => route.fulfill(json(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'No route' } })));
    await page.route('**/api/models?*', (route) => route.fulfill(json(200, { items: [], nextCursor: null, pageSize: 25 })));
    await page.goto(`${e2e.stack.url}/#token=${e2e.token}`);
    await page.waitForSelector('html[data-ready]');
    assert.equal(await page.locator('.schedule-grid-cell').count(), 280);
    assert.match(await page.locator('.grid-notice').innerText(), /not available on this server yet/);
    const empty = page.locator('[data-state="empty"]');
    assert.match(await empty.innerText(), /No models registered yet[\s\S]*Pusher component/);
    await empty.getByRole('button', { name: 'Start Training Run' }).waitFor();
    await screenshot(page, 'empty-state');

    await page.unroute('**/api/models?*');
    await page.route('**/api/models?*', (route) => route.fulfill(json(500, { error: { code: 'INTERNAL', message: 'Something went wrong on our side; it has been logged.' } })));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('.state-error', { hasText: 'Something went wrong on our side' }).waitFor();
    await page.unroute('**/api/models?*');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expectRows(page, await listIds('sort=latest'));
    // The missing calendar and the failed list are this test's scenario: exactly those errors were logged.
    assert.ok(errors.length > 0 && errors.every((e) => /status of (404|500)/.test(e) && /calendar|\/api\/models\?/.test(e)), errors.join('\n'));
    errors.length = 0;
  });

  it('asks for a token when there is none or the API rejects it, then loads', async () => {
    const watched = await watchedPage(e2e.context);
    const { page, errors } = watched;
    await page.goto(`${e2e.stack.url}/`);
    await page.evaluate(() => localStorage.setItem('model-registry.token', 'not-a-valid-token'));
    await page.reload();
    await page.locator('#signin .signin-reason', { hasText: 'rejected your token' }).waitFor();
    assert.equal(await page.locator('#dashboard').isHidden(), true);
    await screenshot(page, 'sign-in');
    // The three first calls were answered 401: that is the scenario, so those errors are expected here.
    assert.ok(errors.length > 0 && errors.every((e) => e.includes('status of 401')), errors.join('\n'));
    errors.length = 0;
    await page.getByLabel('Access token').fill(e2e.token);
    await page.keyboard.press('Enter');
    await page.waitForSelector('html[data-ready]');
    assert.equal(await page.locator('#signin').isHidden(), true);
    assert.ok(await page.locator('tr.model-row').count() > 0);
    pages.push(watched);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access token').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('model-registry.token')), null);
  });
});
