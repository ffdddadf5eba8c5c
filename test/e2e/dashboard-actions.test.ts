import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { writeDemoModel } from '../../dev/demo/demo-model';
import { storageClientOptions } from '../../dev/twins/gcs';
import type { ListModelsResponse, ModelVersionView, SummaryResponse } from '../../shared/schemas/api';
import { browserSuite, type E2e, screenshot } from './support';

/**
 * The dashboard's write actions (deploy, undeploy, ZIP download, promotion, Vertex AI retry), each
 * through the real API of the local stack; the demo registry provides the versions used.
 */
describe('dashboard actions against the local stack', function () {
  this.timeout(60_000);
  let e2e: E2e;
  const { open } = browserSuite((started) => (e2e = started));

  const version = (id: string) => e2e.api<ModelVersionView>(`/api/models/${id}`);


  it('deploys a blessed version from the table menu with the chosen machine and replicas', async () => {
    const { page } = await open();
    await page.getByRole('button', { name: 'Actions for ranking-q4-v3' }).click();
    await page.getByRole('menuitem', { name: 'Deploy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deploy ranking-q4-v3' });
    await dialog.getByLabel('Machine type').selectOption('n1-standard-8');
    await dialog.getByLabel('Min replicas').fill('1');
    await dialog.getByLabel('Max replicas').fill('3');
    await dialog.getByRole('button', { name: 'Deploy' }).click();
    await page.locator('.toast-success', { hasText: 'ranking-q4-v3 is deployed' }).waitFor();

    const deployed = await version('ranking-q4-v3');
    assert.equal(deployed.deployed, true);
    assert.equal(deployed.deployment?.machineType, 'n1-standard-8');
    assert.equal(deployed.deployment?.maxReplicas, 3);
    await page.locator('tr[data-id="ranking-q4-v3"] [data-badge="DEPLOYED"]').waitFor();
    const summary = await e2e.api<SummaryResponse>('/api/models/summary');
    await page.waitForFunction((n) => document.querySelector('[data-kpi="deployed"] .kpi-value')?.getAttribute('data-value') === String(n), summary.deployed);
    await screenshot(page, 'after-deploy');

    await page.locator('tr[data-id="ranking-q4-v3"] .model-link').click();
    await page.getByRole('tab', { name: 'Deployment' }).click();
    const history = page.locator('table[data-table="deployment-history"]');
    await history.waitFor();
    assert.match(await history.innerText(), /Deployed[\s\S]*n1-standard-8 ×1–3[\s\S]*deployer@localhost/);
  });

  it('undeploys after a styled confirmation, from the Deployment tab', async () => {
    const { page } = await open('?model=recs-prod-v3&tab=deployment');
    const modal = page.locator('.model-modal');
    await modal.locator('[data-deploy-state="deployed"]').waitFor();
    await modal.locator('[data-deploy-state="deployed"]').getByRole('button', { name: 'Undeploy' }).click();
    const confirm = page.getByRole('dialog', { name: 'Undeploy recs-prod-v3?' });
    assert.match(await confirm.innerText(), /recs-prod-endpoint/);
    await confirm.getByRole('button', { name: 'Undeploy' }).click();
    await page.locator('.toast-success', { hasText: 'recs-prod-v3 is no longer deployed' }).waitFor();
    await modal.locator('[data-deploy-state="idle"]').waitFor();
    assert.equal((await version('recs-prod-v3')).deployed, false);
  });

  it('cancelling the undeploy confirmation changes nothing', async () => {
    const { page } = await open('?model=multitask-ctr-v2&tab=deployment');
    await page.locator('.model-modal [data-deploy-state="deployed"]').getByRole('button', { name: 'Undeploy' }).click();
    await page.getByRole('dialog', { name: 'Undeploy multitask-ctr-v2?' }).getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await version('multitask-ctr-v2')).deployed, true);
  });

  it('says in the deploy dialog which endpoint it deploys to and that a full deploy replaces what serves there', async () => {
    const serving = (await e2e.api<ListModelsResponse>('/api/models?status=deployed&page_size=100')).items;
    const champion = serving[0]!;
    const versions = (await e2e.api<{ items: { id: string; deployed: boolean; status: string }[] }>(`/api/models/${champion.id}/versions`)).items;
    const other = versions.find((v) => !v.deployed && v.status !== 'pending')!;
    const { page } = await open(`?model=${other.id}&tab=deployment`);
    await page.locator('.model-modal .tab-deployment').getByRole('button', { name: /Deploy to Endpoint|Force deploy…/ }).click();
    const dialog = page.getByRole('dialog', { name: `Deploy ${other.id}` });
    const endpointId = champion.deployment!.endpoint.split('/').pop()!;
    assert.match(await dialog.getByLabel('Endpoint').locator('option:checked').innerText(), new RegExp(`^${champion.familyId}-endpoint`));
    const impact = dialog.locator('[data-field="deploy-impact"]');
    await impact.filter({ hasText: 'This replaces what is serving' }).waitFor();
    assert.match(await impact.innerText(), new RegExp(`${champion.id} \\(v\\d+\\) on ${endpointId} is undeployed`));
    assert.equal(await impact.getAttribute('data-replaces'), 'true');
    await dialog.getByLabel('Traffic %').fill('20');
    await impact.filter({ hasText: 'keeps 80 %' }).waitFor();
    assert.equal(await impact.getAttribute('data-replaces'), 'false');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await version(other.id)).deployed, false, 'nothing deployed by opening the dialog');
  });

  it('force-deploys a version that is not blessed only once the box is ticked', async () => {
    const { page } = await open('?model=recs-prod-v4&tab=deployment');
    await page.locator('.model-modal [data-deploy-state="not_blessed"]').getByRole('button', { name: 'Force deploy…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deploy recs-prod-v4' });
    await dialog.getByRole('button', { name: 'Deploy' }).click();
    await dialog.getByText('tick the box to deploy it anyway').waitFor();
    assert.equal((await version('recs-prod-v4')).deployed, false);
    await dialog.getByLabel('Deploy although this version is not blessed').check();
    await dialog.getByRole('button', { name: 'Deploy' }).click();
    await page.locator('.toast-success', { hasText: 'recs-prod-v4 is deployed' }).waitFor();
    assert.equal((await version('recs-prod-v4')).deployed, true);
    await page.locator('.model-modal .modal-header [data-badge="DEPLOYED"]').waitFor();
  });

  /** Uploads a tiny SavedModel (and its metrics) under `prefix` in the stack's pushes bucket. */
  async function pushModel(prefix: string, metricsPath: string | null, seed: number): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-model-'));
    writeDemoModel(dir, seed);
    const bucket = new Storage(storageClientOptions(e2e.stack.gcs.url, e2e.stack.projectId)).bucket(e2e.stack.pushesBucket);
    if (metricsPath) await bucket.file(metricsPath).save(await readFile(join(dir, 'metrics.json')));
    for (const name of ['saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001']) {
      await bucket.file(`${prefix}/${name}`).save(await readFile(join(dir, name)));
    }
  }

  it('downloads a pushed version as a ZIP archive', async () => {
    await pushModel('tr-90-20261122100000/pushed_model/1', 'tr-90-20261122100000/metrics.json', 10);
    let version: ModelVersionView | undefined;
    for (let i = 0; i < 100 && !version?.artifacts.manifestDigest; i++) {
      await new Promise((r) => setTimeout(r, 100));
      version = (await e2e.api<ListModelsResponse>('/api/models?search=demo-push')).items[0];
    }
    assert.ok(version?.artifacts.manifestDigest, 'the push was registered');
    const { page } = await open(`?model=${version.id}&tab=artifacts`);
    await page.locator('[data-table="manifest"] tr', { hasText: 'saved_model.pb' }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('tabpanel', { name: 'Artifacts' }).getByRole('button', { name: 'Download ZIP' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), `${version.id}.zip`);
    const bytes = await readFile((await file.path())!);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a ZIP starts with PK');
  });

  it('shows when a failed Vertex AI registration is retried by itself, and retries it now from the actions menu', async () => {
    e2e.stack.vertex.faults.set({ failMethod: { method: 'UploadModel', code: 14, message: 'Vertex AI is down' } });
    await pushModel('tr-91-20261122100000/pushed_model/1', 'tr-91-20261122100000/metrics.json', 12);
    let failed: ModelVersionView | undefined;
    for (let i = 0; i < 100 && !failed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      failed = (await e2e.api<ListModelsResponse>('/api/models?search=demo-push')).items.find((v) => v.vertex.state === 'failed');
    }
    e2e.stack.vertex.faults.clear();
    assert.ok(failed?.vertex.nextRetryAt, 'registered, its mirror failed and is planned again');

    const { page } = await open(`?model=${failed.id}&tab=overview`);
    await page.getByText(/Retried automatically at/).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: `Actions for ${failed.id}` }).click();
    await page.getByRole('menuitem', { name: 'Retry Vertex AI registration' }).click();
    await page.locator('.toast-success', { hasText: 'is registered in Vertex AI' }).waitFor();
    assert.equal((await version(failed.id)).vertex.state, 'mirrored');
  });

  it('promotes a model directory into its family as the next version', async () => {
    // Outside the <run>/pushed_model/<n> layout, so only a promotion registers it.
    await pushModel('manual/recs-candidate', null, 12);
    const { page } = await open();
    const before = (await e2e.api<ListModelsResponse>('/api/models?search=recs-prod&page_size=100')).items.length;
    await page.getByRole('button', { name: 'Promote' }).click();
    const form = page.getByRole('dialog', { name: 'Promote to a model version' });
    await form.getByLabel('Model family').fill('recs-prod');
    await form.getByRole('radio', { name: 'GCS prefix' }).check();
    await form.locator('input[name="gcsPrefix"]').fill(`gs://${e2e.stack.pushesBucket}/manual/recs-candidate`);
    await form.getByRole('button', { name: 'Promote' }).click();
    await page.locator('.toast-success', { hasText: 'Promoted to' }).waitFor();
    const after = (await e2e.api<ListModelsResponse>('/api/models?search=recs-prod&page_size=100')).items;
    assert.equal(after.length, before + 1);
    assert.equal(after[0]!.version, 5);
    await page.locator(`tr[data-id="${after[0]!.id}"]`).waitFor();
  });
});
