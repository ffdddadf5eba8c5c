/** People get aligned tables and sentences; `--json` gets the API's answer as is, for scripts. */
export interface Output {
  json: boolean;
  /** The result: JSON with --json, else the text `render` makes of it. */
  result(value: unknown, render: () => string): void;
  /** Progress and notes: stderr, so stdout stays the result. */
  note(line: string): void;
}

export function output(json: boolean): Output {
  return {
    json,
    result(value, render) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${render()}\n`);
    },
    note(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  if (rows.length === 0) return '(none)';
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function keyValues(pairs: [string, string | number | boolean | null | undefined][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v === null || v === undefined || v === '' ? '—' : String(v)}`).join('\n');
}
