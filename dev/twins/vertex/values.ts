// google.protobuf.Value as grpc-js decodes it (proto-loader with `oneofs: true`) ↔ plain JSON.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface DecodedValue {
  kind?: string;
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: { fields?: Record<string, DecodedValue> };
  listValue?: { values?: DecodedValue[] };
}

/** A decoded Value as JSON; `kind` names the member set (absent in hand-built objects, so each member is tried). */
export function fromValue(value: DecodedValue | null | undefined): Json {
  if (!value) return null;
  const kind = value.kind ?? (['numberValue', 'stringValue', 'boolValue', 'structValue', 'listValue'] as const).find((k) => value[k] !== undefined && value[k] !== null);
  switch (kind) {
    case 'numberValue': return Number(value.numberValue);
    case 'stringValue': return String(value.stringValue);
    case 'boolValue': return Boolean(value.boolValue);
    case 'structValue': return Object.fromEntries(Object.entries(value.structValue?.fields ?? {}).map(([k, v]) => [k, fromValue(v)]));
    case 'listValue': return (value.listValue?.values ?? []).map((v) => fromValue(v));
    default: return null;
  }
}

/** JSON as a Value message object (what the serializer's fromObject takes). */
export function toValue(json: Json): object {
  if (json === null) return { nullValue: 'NULL_VALUE' };
  if (typeof json === 'number') return { numberValue: json };
  if (typeof json === 'string') return { stringValue: json };
  if (typeof json === 'boolean') return { boolValue: json };
  if (Array.isArray(json)) return { listValue: { values: json.map(toValue) } };
  return { structValue: { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, toValue(v)])) } };
}

/** JSON text with sorted keys, so that equal instances hash alike whatever their key order. */
export function canonicalJson(json: Json): string {
  if (Array.isArray(json)) return `[${json.map(canonicalJson).join(',')}]`;
  if (json && typeof json === 'object') return `{${Object.keys(json).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(json[k]!)}`).join(',')}}`;
  return JSON.stringify(json);
}
