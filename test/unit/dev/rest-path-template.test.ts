import assert from 'node:assert/strict';
import { compilePathTemplate } from '../../../dev/twins/rest/path-template';

describe('HTTP rule path templates (google/api/http.proto grammar)', () => {
  const cases: Array<[string, string, Record<string, string> | undefined]> = [
    ['/v1/{parent=projects/*/locations/*}/models', '/v1/projects/p/locations/l/models', { parent: 'projects/p/locations/l' }],
    ['/v1/{parent=projects/*/locations/*}/models', '/v1/projects/p/locations/l/models/m', undefined],
    ['/v1/{parent=projects/*/locations/*}/models', '/v1/projects/p/models', undefined],
    ['/v1/{name=projects/*/locations/*/models/*}', '/v1/projects/p/locations/l/models/m@2', { name: 'projects/p/locations/l/models/m@2' }],
    ['/v1/{name=projects/*/locations/*/jobs/*}:pause', '/v1/projects/p/locations/l/jobs/j:pause', { name: 'projects/p/locations/l/jobs/j' }],
    ['/v1/{name=projects/*/locations/*/jobs/*}:pause', '/v1/projects/p/locations/l/jobs/j:resume', undefined],
    ['/v1/{name=projects/*/locations/*/jobs/*}:pause', '/v1/projects/p/locations/l/jobs/j', undefined],
    ['/v1/{job.name=projects/*/locations/*/jobs/*}', '/v1/projects/p/locations/l/jobs/j', { 'job.name': 'projects/p/locations/l/jobs/j' }],
    ['/v1/{name=operations/**}', '/v1/operations/a/b/c', { name: 'operations/a/b/c' }],
    ['/v1/{name=operations/**}', '/v1/operations', undefined],
    ['/v1/projects/{project}/things/{id}', '/v1/projects/my%20proj/things/42', { project: 'my proj', id: '42' }],
    ['/v1/projects/{project}', '/v1/projects/%E0%A4%A', undefined], // malformed percent-encoding
  ];
  for (const [template, path, expected] of cases) {
    it(`${template} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.deepEqual(compilePathTemplate(template).match(path), expected);
    });
  }

  it('reads the verb and the bound fields', () => {
    const template = compilePathTemplate('/v1/{name=projects/*/locations/*/models/*}:mergeVersionAliases');
    assert.equal(template.verb, 'mergeVersionAliases');
    assert.deepEqual(template.fields, ['name']);
  });

  it('refuses a template that does not follow the grammar', () => {
    assert.throws(() => compilePathTemplate('v1/things'), /must start with/);
    assert.throws(() => compilePathTemplate('/v1/th*ngs'), /bad segment/);
  });
});
