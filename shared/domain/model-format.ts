/**
 * When is a pushed directory complete? Per format (DESIGN.md "Flows"):
 * - TF SavedModel: `saved_model.pb` + `variables/variables.index` + every shard
 *   `variables/variables.data-<i>-of-<n>` the shard names announce;
 * - Hugging Face full: `config.json` + weights (`model.safetensors` / `pytorch_model.bin`, or the
 *   shards listed by `*.index.json`'s weight_map);
 * - PEFT adapter: `adapter_config.json` + `adapter_model.safetensors` / `adapter_model.bin`.
 */
export type ModelFormat = 'tf_saved_model' | 'hf_full' | 'peft_adapter';

export interface Completeness {
  format: ModelFormat | null;
  complete: boolean;
  /** What is still expected (empty when complete). */
  missing: string[];
  /** A JSON index that must be read before completeness can be decided. */
  needsIndex: string | null;
}

const SHARD = /^variables\/variables\.data-(\d{5})-of-(\d{5})$/;
const HF_WEIGHTS = ['model.safetensors', 'pytorch_model.bin', 'tf_model.h5', 'flax_model.msgpack'];
const HF_INDEXES = ['model.safetensors.index.json', 'pytorch_model.bin.index.json'];
const PEFT_WEIGHTS = ['adapter_model.safetensors', 'adapter_model.bin'];

export function detectFormat(files: ReadonlySet<string>): ModelFormat | null {
  if (files.has('saved_model.pb') || files.has('variables/variables.index') || [...files].some((f) => SHARD.test(f))) return 'tf_saved_model';
  if (files.has('adapter_config.json') || PEFT_WEIGHTS.some((w) => files.has(w))) return 'peft_adapter';
  if (files.has('config.json') || HF_WEIGHTS.some((w) => files.has(w)) || HF_INDEXES.some((w) => files.has(w))) return 'hf_full';
  return null;
}

/**
 * @param files relative paths present so far
 * @param index the parsed `*.index.json` when the format needs it (HF sharded weights)
 */
export function checkCompleteness(files: ReadonlySet<string>, index?: unknown): Completeness {
  const format = detectFormat(files);
  const result = (missing: string[], needsIndex: string | null = null): Completeness => ({
    format, complete: format !== null && missing.length === 0 && needsIndex === null, missing, needsIndex,
  });
  switch (format) {
    case null:
      return result(['a model file (saved_model.pb, config.json or adapter_config.json)']);
    case 'tf_saved_model': {
      const missing = ['saved_model.pb', 'variables/variables.index'].filter((f) => !files.has(f));
      const shards = [...files].map((f) => SHARD.exec(f)).filter((m): m is RegExpExecArray => m !== null);
      const total = shards.length ? Number(shards[0]![2]) : 0;
      if (total === 0) missing.push('variables/variables.data-00000-of-<n>');
      for (let i = 0; i < total; i++) {
        const name = `variables/variables.data-${String(i).padStart(5, '0')}-of-${String(total).padStart(5, '0')}`;
        if (!files.has(name)) missing.push(name);
      }
      return result(missing);
    }
    case 'peft_adapter': {
      const missing = files.has('adapter_config.json') ? [] : ['adapter_config.json'];
      if (!PEFT_WEIGHTS.some((w) => files.has(w))) missing.push('adapter_model.safetensors');
      return result(missing);
    }
    case 'hf_full': {
      const missing = files.has('config.json') ? [] : ['config.json'];
      if (HF_WEIGHTS.some((w) => files.has(w))) return result(missing);
      const indexFile = HF_INDEXES.find((f) => files.has(f));
      if (!indexFile) return result([...missing, 'model.safetensors (or a *.index.json with its shards)']);
      if (index === undefined) return result(missing, indexFile);
      const shards = shardsOf(index);
      if (!shards) return result([...missing, `${indexFile}: a valid weight_map`]);
      return result([...missing, ...shards.filter((s) => !files.has(s))]);
    }
  }
}

function shardsOf(index: unknown): string[] | null {
  const map = (index as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object') return null;
  const values = Object.values(map as Record<string, unknown>);
  if (values.length === 0 || !values.every((v) => typeof v === 'string' && !v.includes('..') && !v.startsWith('/'))) return null;
  return [...new Set(values as string[])].sort();
}
