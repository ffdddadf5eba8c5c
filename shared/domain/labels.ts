/**
 * GCP label rules (seed 000, bug #2): lowercase letters, digits, `-` and `_`, at most 63
 * characters; keys must start with a letter. International letters are allowed by GCP but we keep
 * ASCII so labels read the same in every console and CLI.
 */
export function sanitizeLabelValue(value: unknown): string {
  const text = String(value ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+/, '')
    .slice(0, 63);
  return text;
}

export function sanitizeLabelKey(key: string): string {
  let text = sanitizeLabelValue(key);
  if (!/^[a-z]/.test(text)) text = `k_${text}`.slice(0, 63);
  return text;
}

export function sanitizeLabels(labels: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (value === undefined || value === null) continue;
    out[sanitizeLabelKey(key)] = sanitizeLabelValue(value);
  }
  return out;
}
