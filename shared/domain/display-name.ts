/** Seed 000, bug #5: the run's own name wins; otherwise `<family>-v<run number>`. */
export function versionDisplayName(run: { name?: string | null; runNumber: number }, familyId: string): string {
  const name = run.name?.trim();
  return name ? name : `${familyId}-v${run.runNumber}`;
}

/** Version ids read like the seed's table rows: family `recs-prod`, version 3 → `recs-prod-v3`. */
export function versionId(familyId: string, version: number): string {
  return `${familyId}-v${version}`;
}

/** The family a version id names (`recs-prod-v3` → `recs-prod`), or null when it is not one. */
export function familyOfVersionId(id: string): string | null {
  const match = /^(.+)-v[0-9]+$/.exec(id);
  return match ? match[1]! : null;
}
