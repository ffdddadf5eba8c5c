/**
 * The pushes bucket layout (seed 000): `<run_id>/pushed_model/<n>/<file path>`, where `<n>` is the
 * TFX Pusher's versioned directory (bug #3: that directory, not `pushed_model/`, is registered).
 */
export interface PushedObject {
  runId: string;
  /** The versioned directory name (`1769254066`). */
  versionDir: string;
  /** `<run_id>/pushed_model/<n>` — the idempotency key of one push. */
  prefix: string;
  /** Path of the file inside the versioned directory (`variables/variables.index`). */
  relativePath: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const VERSION_DIR = /^[0-9]{1,20}$/;
const SEGMENT = /^[^\u0000-\u001f\u007f\\]{1,255}$/;

/** Parses an object name, or null when it is outside the layout or unsafe (traversal, control chars). */
export function parsePushedObject(name: string): PushedObject | null {
  if (name.startsWith('/') || name.length > 1024) return null;
  const parts = name.split('/');
  if (parts.length < 4 || parts[1] !== 'pushed_model') return null;
  const [runId, , versionDir, ...rest] = parts as [string, string, string, ...string[]];
  if (!RUN_ID.test(runId) || !VERSION_DIR.test(versionDir)) return null;
  if (rest.some((s) => s === '' || s === '.' || s === '..' || !SEGMENT.test(s))) return null;
  return { runId, versionDir, prefix: `${runId}/pushed_model/${versionDir}`, relativePath: rest.join('/') };
}

/** Seed 000: `tr-<training_run_id>-<timestamp>`; other run ids are accepted without a run link. */
export function trainingRunIdOf(runId: string): string | null {
  const match = /^tr-([A-Za-z0-9_]+)-[0-9]{6,}$/.exec(runId);
  return match ? match[1]! : null;
}
