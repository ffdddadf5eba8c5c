// Builds an RPC's request, in proto3 JSON, from an HTTP request as HttpRule transcoding defines it: the body
// (all of the request, or one field of it), then the path variables, then the query parameters for the rest.
import type { protobuf } from 'google-gax';
import type { JSONObject, JSONValue } from 'proto3-json-serializer';
import type { HttpBinding } from './http-bindings';

/** A request Google's front end would refuse with 400 INVALID_ARGUMENT, and its message. */
export class BadRequest extends Error {}

// System parameters every Google API accepts beside the request's fields (https://cloud.google.com/apis/docs/system-parameters).
const SYSTEM_PARAMETERS = new Set([
  'alt', 'fields', 'key', 'prettyPrint', 'quotaUser', 'callback', 'access_token', 'oauth_token', 'upload_protocol',
  'uploadType', '$.xgafv', 'userIp',
]);
// Message types whose proto3 JSON form is a string or a number, so that a query parameter can carry them.
const STRING_FORM_TYPES = new Set([
  'google.protobuf.Timestamp', 'google.protobuf.Duration', 'google.protobuf.FieldMask', 'google.protobuf.StringValue',
  'google.protobuf.BytesValue', 'google.protobuf.Int64Value', 'google.protobuf.UInt64Value',
]);
const NUMBER_FORM_TYPES = new Set(['google.protobuf.Int32Value', 'google.protobuf.UInt32Value', 'google.protobuf.DoubleValue', 'google.protobuf.FloatValue']);
const NUMBER_SCALARS = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'double', 'float']);

export function isSystemParameter(name: string): boolean {
  return SYSTEM_PARAMETERS.has(name.replace(/^\$/, '')) || name === '$.xgafv';
}

const lowerCamel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The field of `type` named `name` (proto name or lowerCamelCase JSON name). */
function fieldOf(type: protobuf.Type, name: string): protobuf.Field | undefined {
  return type.fields[name] ?? type.fields[lowerCamel(name)] ?? type.fieldsArray.find((f) => f.name === name);
}

/** One text value (path or query) as the proto3 JSON value of a field of that type. */
function textValue(field: protobuf.Field, text: string, param: string): JSONValue {
  const typeName = field.resolvedType?.fullName.replace(/^\./, '');
  if (NUMBER_SCALARS.has(field.type) || (typeName && NUMBER_FORM_TYPES.has(typeName))) {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new BadRequest(`Invalid value at '${param}' (TYPE_${field.type.toUpperCase()}), "${text}"`);
    return value;
  }
  if (field.type === 'bool' || typeName === 'google.protobuf.BoolValue') {
    if (text !== 'true' && text !== 'false') throw new BadRequest(`Invalid value at '${param}' (TYPE_BOOL), "${text}"`);
    return text === 'true';
  }
  if (field.resolvedType && !(field.resolvedType as protobuf.Enum).values && !(typeName && STRING_FORM_TYPES.has(typeName))) {
    throw new BadRequest(`Invalid JSON payload received. Unknown name "${param}": Cannot bind query parameter. '${param}' is a message type. Parameters can only be bound to primitive types.`);
  }
  return text; // strings, bytes (base64), 64-bit integers, enums by name, and the string-form well-known types
}

/** Sets the dotted `path` in `request` (a message of `type`), creating the messages on the way. */
function setPath(request: JSONObject, type: protobuf.Type, path: string, texts: string[], param: string): void {
  const names = path.split('.');
  let target = request;
  let currentType = type;
  names.forEach((name, i) => {
    const field = fieldOf(currentType, name);
    if (!field || field.map) {
      throw new BadRequest(`Invalid JSON payload received. Unknown name "${param}": Cannot bind query parameter. Field '${name}' could not be found in request message.`);
    }
    const key = field.name;
    if (i < names.length - 1) {
      const inner = field.resolvedType as protobuf.Type | null;
      if (!inner?.fields || field.repeated) throw new BadRequest(`Invalid JSON payload received. Unknown name "${param}": Cannot bind query parameter. Field '${name}' is not a message.`);
      const existing = target[key];
      target = (existing && typeof existing === 'object' && !Array.isArray(existing) ? existing : (target[key] = {})) as JSONObject;
      currentType = inner;
      return;
    }
    const values = texts.map((text) => textValue(field, text, param));
    if (field.repeated) target[key] = [...((target[key] as JSONValue[] | undefined) ?? []), ...values];
    else if (values.length > 1) throw new BadRequest(`Invalid JSON payload received. Repeated values for non-repeated field '${param}'.`);
    else target[key] = values[0]!;
  });
}

/** Names in `json` that are no field of `type`, as Google's JSON parser refuses them ("Unknown name"). */
function checkKnownFields(type: protobuf.Type, json: JSONValue, at: string): void {
  if (!json || typeof json !== 'object' || Array.isArray(json) || type.fullName.startsWith('.google.protobuf.')) return;
  for (const [name, value] of Object.entries(json)) {
    const field = fieldOf(type, name);
    if (!field) {
      throw new BadRequest(`Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`);
    }
    const inner = field.resolvedType as protobuf.Type | null;
    if (!inner?.fields || value === null) continue;
    const where = at ? `${at}.${name}` : name;
    if (field.map) Object.values(value as JSONObject).forEach((v) => checkKnownFields(inner, v, where));
    else if (field.repeated && Array.isArray(value)) value.forEach((v, i) => checkKnownFields(inner, v, `${where}[${i}]`));
    else checkKnownFields(inner, value, where);
  }
}

export interface HttpRequestParts {
  pathFields: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when there was none. */
  body: JSONValue | undefined;
}

/** The request message, in proto3 JSON, that `parts` transcode to under `binding`. */
export function requestJson(binding: HttpBinding, parts: HttpRequestParts): JSONObject {
  const type = binding.method.resolvedRequestType!;
  let request: JSONObject = {};
  if (binding.body) {
    const body = parts.body ?? {};
    if (binding.body === '*') {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('Invalid JSON payload received. Expected an object.');
      checkKnownFields(type, body, '');
      request = structuredClone(body);
    } else {
      const field = fieldOf(type, binding.body);
      if (!field) throw new Error(`HTTP rule body "${binding.body}" is no field of ${type.fullName}`);
      if (field.resolvedType && (field.resolvedType as protobuf.Type).fields) checkKnownFields(field.resolvedType as protobuf.Type, body, '');
      request[field.name] = structuredClone(body);
    }
  }
  for (const [path, value] of Object.entries(parts.pathFields)) setPath(request, type, path, [value], path);
  if (binding.body !== '*') {
    const params = new Map<string, string[]>();
    for (const [name, value] of parts.query) {
      if (isSystemParameter(name)) continue;
      params.set(name, [...(params.get(name) ?? []), value]);
    }
    for (const [name, values] of params) setPath(request, type, name, values, name);
  }
  return request;
}
