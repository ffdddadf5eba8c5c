import { MODEL_TYPES, ModelType, Slug } from '../schemas/common';

/** Custom metadata keys (`x-goog-meta-…`) a pipeline sets on its pushed files to name their family. */
export const FAMILY_METADATA_KEY = 'registry-family';
export const MODEL_TYPE_METADATA_KEY = 'registry-model-type';

export type FamilyFromMetadata =
  | { found: false }
  | { found: true; id: string; modelType: ModelType }
  | { found: true; problem: string };

/**
 * The family named by the pushed files' custom metadata, for pushes with neither a training-run
 * document nor `family` in metrics.json (e.g. `gcloud storage cp -r --custom-metadata=…`). Files
 * that carry no such metadata are ignored; files that disagree, or an invalid value, are a problem
 * stated for the push record.
 */
export function familyFromMetadata(files: Iterable<{ name: string; metadata?: Record<string, string> }>): FamilyFromMetadata {
  const named = new Map<string, string>();
  for (const file of files) {
    const family = file.metadata?.[FAMILY_METADATA_KEY];
    const modelType = file.metadata?.[MODEL_TYPE_METADATA_KEY];
    if (family === undefined && modelType === undefined) continue;
    named.set(`${family ?? ''}\u0000${modelType ?? ''}`, file.name);
  }
  if (named.size === 0) return { found: false };
  if (named.size > 1) {
    const [a, b] = [...named.values()];
    return { found: true, problem: `pushed files disagree on ${FAMILY_METADATA_KEY}/${MODEL_TYPE_METADATA_KEY} metadata (${a} and ${b})` };
  }
  const [family, modelType] = [...named.keys()][0]!.split('\u0000') as [string, string];
  if (!Slug.safeParse(family).success) return { found: true, problem: `metadata ${FAMILY_METADATA_KEY}='${family}' is not a valid family id (lowercase letters, digits and dashes)` };
  const type = ModelType.safeParse(modelType);
  if (!type.success) return { found: true, problem: `metadata ${MODEL_TYPE_METADATA_KEY}='${modelType}' must be one of ${MODEL_TYPES.join(', ')}` };
  return { found: true, id: family, modelType: type.data };
}
