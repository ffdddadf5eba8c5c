import assert from 'node:assert/strict';
import type { ListModelsResponse } from '../../shared/schemas/api';
import { browserSuite, type E2e, screenshot } from './support';

/** The Deployment tab's prediction playground and serving charts, through the local stack's API and twins. */
describe('dashboard serving: playground and charts', function () {
  this.timeout(90_000);
  let e2e: E2e;
  const { open } = browserSuite((started) => (e2e = started));


  it('sends the edited instances, shows the answer, who answered and the latency, keeps a session history and charts the figures', async () => {
    const deployed = await e2e.api<ListModelsResponse>('/api/models?status=deployed&page_size=1');
    const id = deployed.items[0]!.id;
    const watched = await open(`?model=${id}&tab=deployment`);
    const modal = watched.page.locator('.model-modal');
    await modal.locator('[data-slot="playground"]').waitFor();

    const editor = modal.getByLabel('Prediction request (JSON)');
    // Prefilled from the input_example.json the version shipped (the demo's, as the toy trainer writes them).
    const detail = await e2e.api<{ inputExample: unknown }>(`/api/models/${id}`);
    assert.ok(detail.inputExample, 'the demo version carries its example');
    assert.deepEqual(JSON.parse(await editor.inputValue()), detail.inputExample);
    assert.match((await modal.locator('[data-field="example-source"]').textContent())!, /Prefilled from the input_example\.json/);
    await editor.fill(JSON.stringify({ instances: [{ user_id: 'u-7' }, { user_id: 'u-8' }] }));
    await modal.getByRole('button', { name: 'Send' }).click();
    await modal.locator('[data-field="answered-by"]').waitFor();
    assert.equal(await modal.locator('[data-field="answered-by"]').textContent(), id);
    assert.match((await modal.locator('[data-field="latency"]').textContent())!, /^\d+(\.\d+)? ms$/);
    const predictions = JSON.parse((await modal.locator('[data-field="predictions"]').textContent())!) as Array<{ score: number }>;
    assert.equal(predictions.length, 2);
    assert.ok(predictions.every((p) => p.score >= 0 && p.score < 1));

    await editor.fill('{ not json');
    await modal.getByRole('button', { name: 'Send' }).click();
    await modal.locator('.playground-answer [role="alert"]', { hasText: 'Not JSON' }).waitFor();
    await editor.fill(JSON.stringify({ instances: [{ user_id: 'u-9' }] }));
    await modal.getByRole('button', { name: 'Send' }).click();
    await modal.locator('.playground-history li').nth(1).waitFor();
    assert.equal(await modal.locator('.playground-history li').count(), 2);

    // The figures come from the Cloud Monitoring twin, which reads the Vertex twin's records: the two requests count.
    await modal.getByRole('button', { name: 'Last day' }).click();
    await modal.getByRole('button', { name: 'Last hour' }).click();
    await modal.locator('[data-figure="predictions"]').waitFor();
    assert.equal(await modal.locator('[data-figure="predictions"]').textContent(), '2');
    assert.equal(await modal.locator('[data-figure="errors"]').textContent(), '0');
    const bars = await modal.locator('svg[data-chart="predictions"] rect').evaluateAll((rects) => rects.reduce((n, r) => n + Number(r.getAttribute('data-value')), 0));
    assert.equal(bars, 2);
    await screenshot(watched.page, 'deployment-playground');
  });
});
