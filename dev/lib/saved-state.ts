/**
 * How `npm start` keeps its data directory consistent. The twins save after every change, but
 * Firestore only when the stack stops (an export), so a stop that did not finish leaves twin state
 * (Vertex AI models, KMS keys, objects) that the registry's documents no longer describe — the
 * next start would then fail (`6 ALREADY_EXISTS` re-creating the demo on the Vertex twin). A save
 * is written beside the last one and swapped in only once complete; a start over data without a
 * complete save says so, moves that data aside and starts empty instead of failing.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIRESTORE_EXPORT = 'firestore';
const SAVING = 'firestore.saving';
/** Written last by a complete save: when, and what it holds. */
export const SAVED_MARKER = 'saved.json';
/** The twins' state under the data directory, consistent with the Firestore export only together. */
const TWIN_STATE = ['vertex.json', 'kms.json', 'gcs'];

/** The `*.overall_export_metadata` file of the newest complete export under `dir`, if any. */
function exportMetadata(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const name of readdirSync(dir).filter((d) => d.startsWith('firestore_export')).sort().reverse()) {
    const meta = readdirSync(join(dir, name)).find((f) => f.endsWith('.overall_export_metadata'));
    if (meta) return join(dir, name, meta);
  }
  return undefined;
}

/**
 * Checks the data directory before a start: returns the export to restore, or undefined to start
 * empty — after moving an inconsistent leftover aside, with a message saying what was wrong.
 */
export function prepareSavedState(dataDir: string, log: (line: string) => void): string | undefined {
  if (existsSync(join(dataDir, SAVING))) {
    log(`an interrupted save left ${join(dataDir, SAVING)}; discarded (the previous complete save is used)`);
    rmSync(join(dataDir, SAVING), { recursive: true, force: true });
  }
  const importFile = exportMetadata(join(dataDir, FIRESTORE_EXPORT));
  if (importFile) return importFile;
  const leftovers = [FIRESTORE_EXPORT, ...TWIN_STATE].filter((name) => existsSync(join(dataDir, name)));
  if (leftovers.length) {
    const aside = join(dataDir, `unsaved-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`);
    mkdirSync(aside, { recursive: true });
    for (const name of leftovers) renameSync(join(dataDir, name), join(aside, name));
    log(`${dataDir} held ${leftovers.join(', ')} but no complete Firestore save (the last stop did not finish saving): ` +
      `moved them to ${aside} and starting empty`);
  }
  return undefined;
}

/** Exports Firestore beside the last save and swaps it in only once the export is complete. */
export async function saveFirestore(dataDir: string, exportTo: (dir: string) => Promise<void>): Promise<void> {
  const saving = join(dataDir, SAVING);
  rmSync(saving, { recursive: true, force: true });
  await exportTo(saving);
  if (!exportMetadata(saving)) throw new Error(`the Firestore export in ${saving} is incomplete`);
  const current = join(dataDir, FIRESTORE_EXPORT);
  const old = join(dataDir, 'firestore.old');
  rmSync(old, { recursive: true, force: true });
  if (existsSync(current)) renameSync(current, old);
  renameSync(saving, current);
  rmSync(old, { recursive: true, force: true });
  writeFileSync(join(dataDir, SAVED_MARKER), JSON.stringify({ savedAt: new Date().toISOString(), firestore: FIRESTORE_EXPORT, twins: TWIN_STATE }, null, 2));
}
