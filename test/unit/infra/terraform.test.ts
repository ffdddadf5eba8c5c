import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import * as entry from '../../../functions/src/index';
import { API_NODE_OPTIONS, REQUIRED_ENV_BY_ENTRY_POINT } from '../../../functions/src/deployed-functions';
import { DEFAULT_DEPLOY_OPERATION_TIMEOUT_SECONDS } from '../../../functions/src/registry-config';
import { TF_DIR, tfFiles } from '../../support/terraform-files';


type Hcl = Record<string, any>;
const parsed = new Map<string, Hcl>();

/** Every string anywhere in a parsed tree. */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') return Object.values(node).flatMap(strings);
  return [];
}

describe('terraform/', () => {
  before(async () => {
    for (const file of tfFiles()) parsed.set(relative(TF_DIR, file), await parse(file, readFileSync(file, 'utf8')));
  });

  it('has versions, variables, main and outputs, and every .tf file parses', () => {
    for (const name of ['versions.tf', 'variables.tf', 'main.tf', 'outputs.tf']) assert.ok(parsed.has(name), name);
    assert.ok(parsed.size >= 7);
  });

  it('bounds the google provider version', () => {
    const google = parsed.get('versions.tf')!.terraform[0].required_providers[0].google;
    assert.match(google.version, />=\s*[\d.]+,\s*<\s*[\d.]+/);
  });

  it('types, describes and (where it matters) validates every variable', () => {
    for (const [file, tree] of parsed) {
      for (const [name, [variable]] of Object.entries<any>(tree.variable ?? {})) {
        assert.ok(variable.type, `${file}: ${name} has a type`);
        assert.ok(variable.description, `${file}: ${name} has a description`);
      }
    }
    const root = parsed.get('variables.tf')!.variable;
    for (const name of ['project_id', 'pushes_bucket_name', 'registry_bucket_name', 'auth_audience']) {
      assert.ok(root[name][0].validation, `${name} is validated`);
    }
  });

  const modules = () => Object.entries<any>(parsed.get('functions.tf')!.module).map(([key, [m]]) => ({ key, ...m }));

  it('deploys exactly the functions exported by functions/src/index.ts, by entry point', () => {
    const exported = Object.keys(entry).filter((k) => typeof (entry as Record<string, unknown>)[k] === 'function').sort();
    assert.deepEqual(modules().map((m) => m.entry_point).sort(), exported);
  });

  it("sets every environment variable each function's config requires", () => {
    for (const m of modules()) {
      const required = REQUIRED_ENV_BY_ENTRY_POINT[m.entry_point as keyof typeof REQUIRED_ENV_BY_ENTRY_POINT];
      assert.ok(required, `${m.entry_point} lists its required env vars in deployed-functions.ts`);
      const missing = required.filter((v: string) => !(v in m.environment));
      assert.deepEqual(missing, [], `${m.entry_point} env`);
    }
  });

  it('gives the API a request timeout above the longest deploy it waits for', () => {
    const api = modules().find((m) => m.entry_point === 'api')!;
    assert.ok(api.timeout_seconds > DEFAULT_DEPLOY_OPERATION_TIMEOUT_SECONDS, `api timeout ${api.timeout_seconds} s`);
    assert.ok(api.timeout_seconds <= 3600, 'Cloud Run functions allow at most an hour');
  });

  it('runs the API with the Node flags the bench measures its ZIP downloads with, on a supported runtime', () => {
    assert.equal(modules().find((m) => m.entry_point === 'api')!.environment.NODE_OPTIONS, API_NODE_OPTIONS);
    const runtime = parsed.get('modules/function/main.tf')!.resource.google_cloudfunctions2_function.this[0].build_config[0].runtime;
    assert.equal(runtime, 'nodejs22', 'Node.js 20 was decommissioned on Cloud Run functions on 2026-10-30');
  });

  it('creates every composite index of firestore.indexes.json and releases firestore.rules', () => {
    const main = parsed.get('main.tf')!;
    assert.match(main.locals[0].firestore_indexes, /jsondecode\(file\(.*firestore\.indexes\.json/);
    assert.match(main.resource.google_firestore_index.composite[0].for_each, /local\.firestore_indexes\.indexes/);
    assert.ok(main.resource.google_firebaserules_release.firestore);
    assert.match(strings(main.resource.google_firebaserules_ruleset).join(' '), /firestore\.rules/);
  });

  it('grants no primitive role', () => {
    const roles = [...parsed.values()].flatMap(strings).filter((s) => /^roles\//.test(s));
    assert.ok(roles.length > 10);
    assert.deepEqual(roles.filter((r) => ['roles/owner', 'roles/editor', 'roles/viewer'].includes(r)), []);
  });

  it('explains every IAM binding with a comment right above it', () => {
    for (const file of tfFiles()) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/^resource "google_[a-z_]*iam_member"/.test(line)) {
          assert.match(lines[i - 1] ?? '', /^#/, `${relative(TF_DIR, file)}:${i + 1} ${line}`);
        }
      });
    }
  });

  it('opens to allUsers only the public dashboard assets and the token-checking API', () => {
    const publicBindings: string[] = [];
    for (const tree of parsed.values()) {
      for (const [type, instances] of Object.entries<any>(tree.resource ?? {})) {
        for (const [name, [body]] of Object.entries<any>(instances)) {
          if (body.member === 'allUsers') publicBindings.push(`${type}.${name}`);
        }
      }
    }
    assert.deepEqual(publicBindings.sort(), ['google_cloud_run_service_iam_member.api_public', 'google_storage_bucket_iam_member.dashboard_public']);
  });

  it('gives each function its own service account', () => {
    const accounts = modules().map((m) => m.service_account_email);
    assert.equal(new Set(accounts).size, accounts.length);
  });

  it('sets an explicit retry policy on event triggers and keeps buckets private', () => {
    const fn = parsed.get('modules/function/main.tf')!.resource.google_cloudfunctions2_function.this[0];
    assert.equal(fn.dynamic.event_trigger[0].content[0].retry_policy, 'RETRY_POLICY_RETRY');
    const buckets = parsed.get('main.tf')!.resource.google_storage_bucket;
    for (const name of ['pushes', 'registry']) {
      assert.equal(buckets[name][0].public_access_prevention, 'enforced');
      assert.equal(buckets[name][0].uniform_bucket_level_access, true);
    }
  });
});
