import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const TF_DIR = join(__dirname, '../../terraform');

/** Every `.tf` under `dir`, modules included (dot directories such as `.terraform` are not ours). */
export function tfFiles(dir = TF_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return tfFiles(path);
    return name.endsWith('.tf') ? [path] : [];
  });
}
