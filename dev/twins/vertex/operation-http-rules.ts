import type { HttpRule } from '../rest/rest-gateway';

// google/longrunning/operations.proto annotates `/v1/{name=operations/**}`; Vertex AI serves operations under
// each resource instead (its service config's http rules, which the aiplatform client's REST transport carries
// in its lroOptions.httpRules). These are the rules for the resources the twin has, under both the `/v1` and
// the `/ui` prefix: the client's REST transport polls the `/ui` bindings, gcloud the `/v1` ones.
const PARENTS = ['projects/*/locations/*', 'projects/*/locations/*/models/*', 'projects/*/locations/*/endpoints/*', 'projects/*/locations/*/pipelineJobs/*'];
const PREFIXES = ['/v1', '/ui'];

function rule(selector: string, pattern: (prefix: string, parent: string) => Omit<HttpRule, 'selector'>): HttpRule {
  const [first, ...rest] = PREFIXES.flatMap((prefix) => PARENTS.map((parent) => pattern(prefix, parent)));
  return { selector: `google.longrunning.Operations.${selector}`, ...first, additional_bindings: rest };
}

export const OPERATION_HTTP_RULES: HttpRule[] = [
  rule('GetOperation', (prefix, parent) => ({ get: `${prefix}/{name=${parent}/operations/*}` })),
  rule('ListOperations', (prefix, parent) => ({ get: `${prefix}/{name=${parent}}/operations` })),
  rule('CancelOperation', (prefix, parent) => ({ post: `${prefix}/{name=${parent}/operations/*}:cancel` })),
  rule('DeleteOperation', (prefix, parent) => ({ delete: `${prefix}/{name=${parent}/operations/*}` })),
  rule('WaitOperation', (prefix, parent) => ({ post: `${prefix}/{name=${parent}/operations/*}:wait` })),
];
