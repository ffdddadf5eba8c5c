import { versionId } from './display-name';

/** Alias names: what `PUT /api/families/{id}/aliases/{alias}` accepts (before the reserved names). */
export const ALIAS_NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** Maintained by the registry: always the family's newest version. */
export const LATEST_ALIAS = 'latest';

const FAMILY = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/;
const VERSION_ID = /^[a-z0-9][a-z0-9_-]*-v[0-9]+$/;
const VERSION_NUMBER = /^v?([1-9][0-9]{0,8})$/;
const NUMBER_LIKE = /^v?[0-9]+$/;

/**
 * Why a name cannot be moved by a caller, or null when it can. `latest` is the registry's own;
 * `default` is Vertex AI's own alias of a model; `v<n>` names version n in a ref (`recs@v3`) and is
 * the alias the Vertex mirror gives each version.
 */
export function aliasNameProblem(name: string): string | null {
  if (!ALIAS_NAME.test(name)) return 'must be a lowercase letter followed by up to 62 lowercase letters, digits or "-"';
  if (name === LATEST_ALIAS) return 'is maintained automatically (it always names the newest version)';
  if (name === 'default') return 'is reserved by Vertex AI';
  if (NUMBER_LIKE.test(name)) return 'looks like a version number (v<n> names that version)';
  return null;
}

export type VersionRef =
  | { kind: 'id'; versionId: string }
  | { kind: 'alias'; familyId: string; alias: string };

/**
 * A version reference as the API takes it: a version id (`recs-prod-v3`), `family@v3` / `family@3`,
 * or `family@alias` (`recs-prod@prod`, `recs-prod@latest`). Null when it is none of these.
 */
export function parseVersionRef(ref: string): VersionRef | null {
  if (ref.length > 200) return null;
  const at = ref.indexOf('@');
  if (at < 0) return VERSION_ID.test(ref) ? { kind: 'id', versionId: ref } : null;
  const familyId = ref.slice(0, at);
  const target = ref.slice(at + 1);
  if (familyId.length > 63 || !FAMILY.test(familyId)) return null;
  const number = VERSION_NUMBER.exec(target);
  if (number) return { kind: 'id', versionId: versionId(familyId, Number(number[1])) };
  return ALIAS_NAME.test(target) && !NUMBER_LIKE.test(target) ? { kind: 'alias', familyId, alias: target } : null;
}

/** `3` or `v3`: the number of a version, as the alias API takes it where the family is in the path. */
export function bareVersionNumber(ref: string): number | null {
  const number = VERSION_NUMBER.exec(ref);
  return number ? Number(number[1]) : null;
}

/** The number of a version id of this family (`recs-prod-v3` → 3), null for another family's. */
export function versionNumberIn(familyId: string, id: string): number | null {
  if (!id.startsWith(`${familyId}-v`)) return null;
  return bareVersionNumber(id.slice(familyId.length + 1));
}
