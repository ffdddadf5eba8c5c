import { DomainError } from '../../../shared/errors';
import type { ObjectLocation, ObjectStore } from '../../../shared/register-ports';
import { InputExample } from '../../../shared/schemas/model-version';

/** The file a pushed directory may ship at its root, as MLflow models ship theirs. */
export const INPUT_EXAMPLE_FILE = 'input_example.json';
/** Kept on the version document (every list reads it): a few instances, not a dataset. */
export const MAX_INPUT_EXAMPLE_BYTES = 8 * 1024;

/**
 * The model's own example request, for the playground. Like metrics.json, an unusable one never fails
 * the registration: it is left out with a note saying why.
 */
export async function readInputExample(objects: Pick<ObjectStore, 'readJson'>, location: ObjectLocation, notes: string[]): Promise<InputExample | null> {
  let raw: unknown;
  try {
    raw = await objects.readJson(location, MAX_INPUT_EXAMPLE_BYTES);
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'PAYLOAD_TOO_LARGE' || error.code === 'VALIDATION_FAILED')) {
      notes.push(`${INPUT_EXAMPLE_FILE} ignored: ${error.message}`);
      return null;
    }
    throw error;
  }
  if (raw === null) return null;
  const parsed = InputExample.strict().safeParse(Array.isArray(raw) ? { instances: raw } : raw);
  if (parsed.success) return parsed.data;
  notes.push(`${INPUT_EXAMPLE_FILE} ignored: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return null;
}
