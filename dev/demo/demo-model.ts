import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A few KB of deterministic bytes in TF SavedModel layout: the files of a version directory. */
export function demoModelFiles(seed: number): { path: string; bytes: Buffer }[] {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) % 251));
  return [
    { path: 'saved_model.pb', bytes: bytes(2048) },
    { path: 'variables/variables.index', bytes: bytes(256) },
    { path: 'variables/variables.data-00000-of-00001', bytes: bytes(8192) },
  ];
}

/** The demo model's files, plus metrics.json with a blessing. */
export function writeDemoModel(dir: string, seed: number): void {
  for (const file of demoModelFiles(seed)) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.bytes);
  }
  const recall = Math.round((0.7 + (seed % 20) / 100) * 1000) / 1000;
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify({
    family: 'demo-push', model_type: 'retrieval',
    metrics: { recall_at_100: recall, recall_at_50: recall - 0.12, loss: 0.3 },
    evaluation: { metric: 'recall_at_100', comparator: '>=', threshold: 0.75, achieved: recall, blessed: recall >= 0.75 },
  }, null, 2));
}
