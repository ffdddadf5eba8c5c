import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A few KB of deterministic bytes in TF SavedModel layout, plus metrics.json with a blessing. */
export function writeDemoModel(dir: string, seed: number): void {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) % 251));
  mkdirSync(join(dir, 'variables'), { recursive: true });
  writeFileSync(join(dir, 'saved_model.pb'), bytes(2048));
  writeFileSync(join(dir, 'variables', 'variables.index'), bytes(256));
  writeFileSync(join(dir, 'variables', 'variables.data-00000-of-00001'), bytes(8192));
  const recall = Math.round((0.7 + (seed % 20) / 100) * 1000) / 1000;
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify({
    family: 'demo-push', model_type: 'retrieval',
    metrics: { recall_at_100: recall, recall_at_50: recall - 0.12, loss: 0.3 },
    evaluation: { metric: 'recall_at_100', comparator: '>=', threshold: 0.75, achieved: recall, blessed: recall >= 0.75 },
  }, null, 2));
}
