import type { protobuf } from 'google-gax';

function isDefault(value: unknown): boolean {
  if (value === '' || value === 0 || value === false) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  return typeof value === 'object' && value !== null && 'isZero' in value && (value as { isZero(): boolean }).isZero(); // Long
}

/**
 * Drops the proto3 fields that hold their default value and have no presence (and empty lists and maps), as Google's JSON output omits
 * them. The twins' handlers fill every field (their proto-loader `defaults: true`), and protobufjs encodes what
 * is set, so a decoded response carries `"description": ""` and the like until this runs.
 */
export function omitDefaults(message: protobuf.Message, type: protobuf.Type = message.$type): void {
  const record = message as unknown as Record<string, unknown>;
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(record, field.name)) continue;
    const value = record[field.name];
    // Empty repeated fields and maps have no JSON form either.
    if ((field.map && Object.keys(value as object).length === 0) || (field.repeated && (value as unknown[]).length === 0)) {
      delete record[field.name];
      continue;
    }
    const inner = field.resolvedType && 'fields' in field.resolvedType ? (field.resolvedType as protobuf.Type) : undefined;
    if (inner) {
      const nested = field.map ? Object.values(value as object) : field.repeated ? (value as unknown[]) : [value];
      for (const item of nested) if (item && typeof item === 'object') omitDefaults(item as protobuf.Message, inner);
    } else if (!field.repeated && !field.map && !field.partOf && isDefault(value)) {
      delete record[field.name];
    }
  }
}
