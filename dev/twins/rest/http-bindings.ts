import type { protobuf } from 'google-gax';
import { compilePathTemplate, type PathTemplate } from './path-template';

/** A google.api.HttpRule as protobufjs parses it from the `(google.api.http)` option (proto field names). */
export interface HttpRule {
  /** `package.Service.Method`: only in rules given beside the protos (a service config's `http.rules`). */
  selector?: string;
  get?: string;
  put?: string;
  post?: string;
  delete?: string;
  patch?: string;
  custom?: { kind: string; path: string };
  body?: string;
  response_body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

/** One HTTP method + path template that reaches an RPC. */
export interface HttpBinding {
  httpMethod: string;
  template: PathTemplate;
  /** `*` (the whole request), a top-level field name, or undefined (no body: the rest comes from the query). */
  body?: string;
  responseBody?: string;
  method: protobuf.Method;
  /** `/package.Service/Method`, the gRPC path it is forwarded to. */
  grpcPath: string;
}

const VERBS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const HTTP_OPTION = '(google.api.http)';

function rulesOf(method: protobuf.Method): HttpRule[] {
  const options = (method.parsedOptions ?? []) as Array<Record<string, unknown>>;
  return options.flatMap((option) => (HTTP_OPTION in option ? [option[HTTP_OPTION] as HttpRule] : []));
}

function flatten(rule: HttpRule): HttpRule[] {
  const more = rule.additional_bindings;
  return [rule, ...(Array.isArray(more) ? more : more ? [more] : []).flatMap(flatten)];
}

function binding(rule: HttpRule, method: protobuf.Method, grpcPath: string): HttpBinding {
  const verb = VERBS.find((v) => rule[v]);
  const httpMethod = verb ? verb.toUpperCase() : rule.custom?.kind.toUpperCase();
  const path = verb ? rule[verb] : rule.custom?.path;
  if (!httpMethod || !path) throw new Error(`HTTP rule of ${grpcPath} has no pattern`);
  return {
    httpMethod,
    template: compilePathTemplate(path),
    ...(rule.body ? { body: rule.body } : {}),
    ...(rule.response_body ? { responseBody: rule.response_body } : {}),
    method,
    grpcPath,
  };
}

/**
 * The HTTP bindings of a service's methods, from their `google.api.http` annotations. A rule in
 * `overrides` (by selector) replaces a method's annotation, as a service config's `http.rules` does:
 * Vertex AI's Operations live under its resources (`…/models/*\/operations/*`), not at the proto's `/v1/{name=operations/**}`.
 */
export function httpBindings(service: protobuf.Service, overrides: HttpRule[] = []): HttpBinding[] {
  const fullName = service.fullName.replace(/^\./, '');
  return service.methodsArray.flatMap((method) => {
    const replaced = overrides.filter((rule) => rule.selector === `${fullName}.${method.name}`);
    const rules = replaced.length ? replaced : rulesOf(method);
    return rules.flatMap(flatten).map((rule) => binding(rule, method, `/${fullName}/${method.name}`));
  });
}
