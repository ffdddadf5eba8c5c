/**
 * `npm run calendar:backfill [-- --project P [--database D]]`: rebuilds the calendar's week rollups
 * (`calendarWeeks`) from the training runs. Idempotent; without --project it works on the running
 * local stack. In production, run it once after deploying this version, with credentials that can
 * read and write Firestore (e.g. `gcloud auth application-default login`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rebuildCalendarRollups } from '../functions/src/adapters/firestore/calendar-rollup-store';
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
  await db.terminate();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
