/**
 * `npm run calendar:backfill [-- --project P [--database D]]`: rebuilds the calendar's week rollups
 * (`calendarWeeks`) from the training runs, its index of active schedules (`calendarSchedules`) and the families'
 * last blessings (on the KPI counter shards). Idempotent; without --project it works on the running
 * local stack. In production, run it once after deploying this version, with credentials that can
 * read and write Firestore (e.g. `gcloud auth application-default login`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rebuildCalendarRollups } from '../functions/src/adapters/firestore/calendar-rollup-store';
import { reconcileScheduleIndex } from '../functions/src/adapters/firestore/schedule-index';
import { reconcileFamilyFreshness } from '../functions/src/adapters/firestore/summary-counters';
import { STACK_FILE } from './stack';

async function main() {
  const { values } = parseArgs({ options: { project: { type: 'string' }, database: { type: 'string', default: '(default)' } } });
  let projectId = values.project;
  if (!projectId) {
    const stackFile = join(resolve(process.env.REGISTRY_DATA_DIR ?? '.data'), STACK_FILE);
    if (!existsSync(stackFile)) throw new Error(`no running stack found (${stackFile}): start it with \`npm start\`, or give --project`);
    const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as { projectId: string; firestoreHost: string };
    process.env.FIRESTORE_EMULATOR_HOST = stack.firestoreHost;
    projectId = stack.projectId;
  }
  const { Firestore } = await import('@google-cloud/firestore');
  const db = new Firestore({ projectId, databaseId: values.database });
  const report = await rebuildCalendarRollups(db);
  console.log(`calendar rollups rebuilt from ${report.runs} runs: ${report.weeks} weeks written, ${report.removed} stale weeks removed`);
  const fs = await import('@google-cloud/firestore');
  const index = await reconcileScheduleIndex({ db, fs });
  console.log(`calendar schedule index: ${index.schedules} active schedules, ${index.repaired ? 'rebuilt' : 'already up to date'}`);
  const freshness = await reconcileFamilyFreshness({ db, fs });
  console.log(`families' last blessings: ${freshness.families} families, ${freshness.repaired ? 'rebuilt' : 'already up to date'}`);
  await db.terminate();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
