import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { googleProviderSchema, schemaErrors } from '../../support/google-provider-schema';
import { TF_DIR, tfFiles } from '../../support/terraform-files';

const errorsIn = async (hcl: string) => schemaErrors('fixture.tf', await parse('fixture.tf', hcl));

describe('terraform/ against the google provider 6.50 schema', () => {
  it('reads arguments, required ones and nested blocks from the generated provider code', () => {
    const bucket = googleProviderSchema.resource('google_storage_bucket')!;
    assert.equal(bucket.get('name')?.required, true);
    assert.equal(bucket.get('labels')?.required, false);
    assert.equal(bucket.get('labels')?.block, undefined, 'a map attribute is not a block');
    assert.equal(bucket.get('autoclass')?.block?.get('enabled')?.required, true);
    assert.ok(bucket.get('lifecycle_rule')?.block?.get('condition')?.block?.has('age'), 'blocks nest');
    assert.equal(googleProviderSchema.dataSource('google_project')?.get('project_id')?.required, false, 'the data source, not the resource');
    assert.ok(googleProviderSchema.dataSource('google_storage_project_service_account'));
    assert.equal(googleProviderSchema.resource('google_storage_project_service_account'), undefined, 'a data source only');
  });

  it('rejects an unknown resource or data source type', async () => {
    assert.deepEqual(await errorsIn('resource "google_storage_buckett" "b" {}\ndata "google_nope" "n" {}'), [
      'fixture.tf: google_storage_buckett.b: unknown resource type google_storage_buckett',
      'fixture.tf: data.google_nope.n: unknown data source type google_nope',
    ]);
  });

  it('rejects an unknown argument or block at any depth', async () => {
    const errors = await errorsIn(`
      resource "google_storage_bucket" "b" {
        name     = "b"
        location = "EU"
        colour   = "red"
        versioning { enabled = true }
        lifecycle_rule {
          action { type = "Delete" }
          condition { age_days = 3 }
        }
        website { not_found_page = "404.html" }
        dynamic "cors" {
          for_each = [1]
          content { origins = ["*"] }
        }
        dynamic "corz" {
          for_each = [1]
          content {}
        }
      }`);
    assert.deepEqual(errors.sort(), [
      'fixture.tf: google_storage_bucket.b: colour: unknown argument or block',
      'fixture.tf: google_storage_bucket.b: cors.origins: unknown argument or block',
      'fixture.tf: google_storage_bucket.b: corz: unknown block (in dynamic "corz")',
      'fixture.tf: google_storage_bucket.b: lifecycle_rule.condition.age_days: unknown argument or block',
    ]);
  });

  it('rejects a missing required argument at any depth, counting those a dynamic block gives', async () => {
    const errors = await errorsIn(`
      resource "google_storage_bucket" "b" {
        location = "EU"
        autoclass {}
        lifecycle_rule {
          condition { age = 3 }
        }
      }
      resource "google_cloudfunctions2_function" "f" {
        name     = "f"
        location = "europe-central2"
        dynamic "event_trigger" {
          for_each = [1]
          content {
            event_type = "google.cloud.storage.object.v1.finalized"
            event_filters { attribute = "bucket" }
          }
        }
      }
      resource "google_firestore_index" "i" {
        collection = "c"
        dynamic "fields" {
          for_each = []
          content { field_path = "f" }
        }
      }`);
    assert.deepEqual(errors.sort(), [
      'fixture.tf: google_cloudfunctions2_function.f: event_trigger.event_filters.value: missing required argument',
      'fixture.tf: google_storage_bucket.b: autoclass.enabled: missing required argument',
      'fixture.tf: google_storage_bucket.b: lifecycle_rule.action: missing required argument',
      'fixture.tf: google_storage_bucket.b: name: missing required argument',
    ]);
    assert.ok(!errors.some((e) => e.includes('google_firestore_index.i')), 'the required fields blocks come from dynamic "fields"');
  });

  it("allows Terraform's meta-arguments and skips blocks that are not provider schema", async () => {
    assert.deepEqual(
      await errorsIn(`
        terraform { required_version = ">= 1.6" }
        variable "v" { type = string }
        locals { x = 1 }
        module "m" { source = "./m" }
        data "archive_file" "zip" { type = "zip" }
        resource "google_pubsub_topic" "t" {
          count      = 1
          name       = "t"
          depends_on = [module.m]
          provider   = google
          lifecycle { prevent_destroy = true }
        }`),
      [],
    );
  });

  describe('the real tree', () => {
    const files = tfFiles();
    const parsed = new Map<string, Record<string, unknown>>();
    before(async () => {
      for (const file of files) parsed.set(file, await parse(file, readFileSync(file, 'utf8')));
    });

    it('checks every module a local source points at', () => {
      for (const [file, tree] of parsed) {
        for (const [name, [m]] of Object.entries<any>(tree.module ?? {})) {
          if (!/^\.\.?\//.test(m.source)) continue;
          const dir = resolve(dirname(file), m.source);
          assert.ok(existsSync(dir) && files.some((f) => dirname(f) === dir), `module.${name} source ${m.source} has .tf files under terraform/`);
        }
      }
    });

    it('uses only resources, data sources, arguments and blocks the provider has, with every required one', () => {
      const instances = [...parsed.values()].flatMap((t: any) => [t.resource, t.data].flatMap((k) => Object.values<object>(k ?? {}).flatMap(Object.keys)));
      assert.ok(files.length >= 7 && instances.length > 50, `${instances.length} resources and data sources checked`);
      const errors = [...parsed].flatMap(([file, tree]) => schemaErrors(relative(TF_DIR, file), tree));
      assert.deepEqual(errors, []);
    });
  });
});
