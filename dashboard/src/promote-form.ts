import { ApiError, describeError } from './api';
import type { AppContext } from './context';
import { field, openDialog } from './dialog';
import { h } from './dom';
import { toast } from './toast';
import type { PromoteRequest } from './types';

/** A family id (the API's Slug), as an input pattern. */
export const FAMILY_ID_PATTERN = '[a-z0-9]([a-z0-9_\\-]*[a-z0-9])?';

/**
 * Seed 003's manual promotion: a training run (or a GCS prefix) becomes the next immutable version
 * of a family; without a label the registry numbers it v1, v2, …
 */
export async function promoteVersion(ctx: AppContext): Promise<void> {
  const families = [...new Set(ctx.knownVersions().map((v) => v.familyId))].sort();
  const family = h('input', { name: 'family', required: true, pattern: FAMILY_ID_PATTERN, maxlength: 63, list: 'promote-families', autocomplete: 'off', placeholder: 'recs-prod' });
  const fromRun = h('input', { type: 'radio', name: 'source', value: 'run', checked: true });
  const fromGcs = h('input', { type: 'radio', name: 'source', value: 'gcs' });
  const runId = h('input', { name: 'trainingRunId', required: true, maxlength: 200, autocomplete: 'off', placeholder: 'e.g. 47' });
  const gcsPrefix = h('input', { name: 'gcsPrefix', pattern: 'gs://[a-z0-9._\\-]+/.+', maxlength: 1000, autocomplete: 'off', placeholder: 'gs://bucket/tr-47-20260121/pushed_model/1769254066' });
  const label = h('input', { name: 'label', pattern: '[A-Za-z0-9._\\-]{1,64}', maxlength: 64, autocomplete: 'off', placeholder: 'automatic (v1, v2, …)' });
  const runField = field('Training run ID', runId);
  const gcsField = field('GCS prefix', gcsPrefix, 'A complete model directory (TF SavedModel, Hugging Face or PEFT adapter).');
  gcsField.hidden = true;
  const sync = () => {
    const run = fromRun.checked;
    runField.hidden = !run;
    gcsField.hidden = run;
    runId.required = run;
    gcsPrefix.required = !run;
  };
  fromRun.addEventListener('change', sync);
  fromGcs.addEventListener('change', sync);

  await openDialog({
    title: 'Promote to a model version',
    confirmLabel: 'Promote',
    body: h('div', { class: 'form-grid' },
      h('p', { class: 'dialog-lead' }, 'Copies the artifacts into the registry (content-addressed, SHA-256), snapshots metrics and metadata, and creates an immutable version.'),
      field('Model family', family, 'Lowercase letters, digits, "-" or "_".'),
      h('datalist', { id: 'promote-families' }, families.map((f) => h('option', { value: f }))),
      h('fieldset', { class: 'radio-row' }, h('legend', {}, 'Source'),
        h('label', {}, fromRun, ' Training run'), h('label', {}, fromGcs, ' GCS prefix')),
      runField, gcsField,
      field('Version label (optional)', label)),
    async onConfirm(controls) {
      const request: PromoteRequest = fromRun.checked ? { trainingRunId: runId.value.trim() } : { gcsPrefix: gcsPrefix.value.trim() };
      if (label.value.trim()) request.label = label.value.trim();
      try {
        const answer = await ctx.api.call((c) => c.POST('/api/families/{familyId}/versions:promote', {
          params: { path: { familyId: family.value.trim() } }, body: request,
        }));
        toast(`Promoted to ${answer?.name ?? answer?.id ?? family.value}${answer?.versionLabel ? ` (${answer.versionLabel})` : ''}.`, 'success');
        ctx.registryChanged();
      } catch (error) {
        if (error instanceof ApiError && (error.routeMissing || error.status === 401)) {
          controls.dialog.close();
          if (error.routeMissing) toast('Promotion is not available yet on this server.', 'info');
          return;
        }
        throw new Error(describeError(error));
      }
    },
  });
}
