import { ApiError, describeError } from './api';
import { browserTimeZone } from './calendar-days';
import type { AppContext } from './context';
import { field, openDialog } from './dialog';
import { h } from './dom';
import { capitalize, dateTime } from './format';
import { FAMILY_ID_PATTERN } from './promote-form';
import { toast } from './toast';
import { MODEL_TYPE_OPTIONS } from './url-state';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
type Timing = 'once' | 'daily' | 'weekly' | 'cron';
const TIMING_LABELS: Record<Timing, string> = { once: 'Once', daily: 'Every day', weekly: 'Every week', cron: 'Cron expression' };

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DDTHH:MM` in this browser's time, a few minutes ahead (a one-time run must be in the future). */
function soon(now = new Date()): string {
  const d = new Date(now.getTime() + 5 * 60_000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/**
 * The empty state's "Start Training Run": a training schedule (POST /api/training-schedules), by
 * default one run a few minutes from now. Cloud Scheduler starts the pipeline, and its Pusher
 * registers the model, which then appears in the table; the run shows in the activity grid.
 */
export async function startTrainingRun(ctx: AppContext): Promise<void> {
  const families = [...new Set(ctx.knownVersions().map((v) => v.familyId))].sort();
  const name = h('input', { name: 'name', required: true, maxlength: 120, autocomplete: 'off', placeholder: 'recs-prod nightly' });
  const family = h('input', { name: 'familyId', required: true, pattern: FAMILY_ID_PATTERN, maxlength: 63, list: 'training-families', autocomplete: 'off', placeholder: 'recs-prod' });
  const modelType = h('select', { name: 'modelType' }, MODEL_TYPE_OPTIONS.map((t) => h('option', { value: t }, capitalize(t))));
  const template = h('input', {
    name: 'pipelineTemplate', required: true, maxlength: 1000, autocomplete: 'off', pattern: '(gs://[a-z0-9][a-z0-9._\\-]{1,221}/\\S+|https://\\S+)',
    placeholder: 'gs://templates/tfx.json',
  });
  const timing = h('select', { name: 'type' }, (Object.keys(TIMING_LABELS) as Timing[]).map((t) => h('option', { value: t }, TIMING_LABELS[t])));
  const runAt = h('input', { type: 'datetime-local', name: 'runAt', required: true, step: 60, value: soon() });
  const at = h('input', { type: 'time', name: 'time', value: '02:00' });
  const weekday = h('select', { name: 'dayOfWeek' }, WEEKDAYS.map((d, i) => h('option', { value: i }, d)));
  const cron = h('input', { name: 'cron', maxlength: 100, autocomplete: 'off', spellcheck: 'false', placeholder: '0 3 * * 1-5' });
  const timeZone = h('input', { name: 'timeZone', required: true, maxlength: 100, autocomplete: 'off', value: browserTimeZone() });

  const runAtField = field('Start at (this browser\'s time)', runAt);
  const weekdayField = field('Day', weekday);
  const timeField = field('Time', at);
  const cronField = field('Cron', cron, 'Five fields, minute first (unix-cron, as Cloud Scheduler reads it).');
  const sync = () => {
    const type = timing.value as Timing;
    runAtField.hidden = type !== 'once';
    weekdayField.hidden = type !== 'weekly';
    timeField.hidden = type !== 'daily' && type !== 'weekly';
    cronField.hidden = type !== 'cron';
    runAt.required = type === 'once';
    at.required = !timeField.hidden;
    cron.required = type === 'cron';
  };
  timing.addEventListener('change', sync);
  sync();

  await openDialog({
    title: 'Start a training run',
    confirmLabel: 'Schedule run',
    body: h('div', { class: 'form-grid' },
      h('p', { class: 'dialog-lead' }, 'Cloud Scheduler starts the Vertex AI pipeline at the time chosen; its Pusher registers the trained model here as the family\'s next version.'),
      field('Run name', name),
      field('Model family', family, 'Lowercase letters, digits, "-" or "_".'),
      h('datalist', { id: 'training-families' }, families.map((f) => h('option', { value: f }))),
      field('Model type', modelType),
      field('Pipeline template', template, 'A compiled pipeline: gs://… or an Artifact Registry https://… URL.'),
      field('When', timing),
      runAtField, weekdayField, timeField, cronField,
      field('Time zone', timeZone, 'IANA name; daily, weekly and cron runs follow it.')),
    async onConfirm(controls) {
      const type = timing.value as Timing;
      const body = {
        name: name.value.trim(), familyId: family.value.trim(), modelType: modelType.value as (typeof MODEL_TYPE_OPTIONS)[number],
        type, timeZone: timeZone.value.trim(), pipelineTemplate: template.value.trim(),
        ...(type === 'once' ? { runAt: new Date(runAt.value).toISOString() } : {}),
        ...(type === 'daily' || type === 'weekly' ? { time: at.value } : {}),
        ...(type === 'weekly' ? { dayOfWeek: Number(weekday.value) } : {}),
        ...(type === 'cron' ? { cron: cron.value.trim() } : {}),
      };
      try {
        const schedule = await ctx.api.call((c) => c.POST('/api/training-schedules', { body }));
        const next = schedule?.nextFireTime ? `; first run ${dateTime(schedule.nextFireTime)}` : '';
        toast(`Scheduled ${schedule?.name ?? body.name}: ${schedule?.description ?? TIMING_LABELS[type]}${next}.`, 'success');
        ctx.registryChanged();
      } catch (error) {
        if (error instanceof ApiError && (error.routeMissing || error.status === 401)) {
          controls.dialog.close();
          if (error.routeMissing) toast('Training schedules are not available yet on this server.', 'info');
          return;
        }
        throw new Error(describeError(error));
      }
    },
  });
}
