import assert from 'node:assert/strict';
import { checkCompleteness } from '../../../shared/domain/model-format';

const set = (...files: string[]) => new Set(files);

describe('model directory completeness', () => {
  it('waits for every SavedModel shard the names announce', () => {
    const partial = checkCompleteness(set('saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00002'));
    assert.equal(partial.complete, false);
    assert.deepEqual(partial.missing, ['variables/variables.data-00001-of-00002']);
    const full = checkCompleteness(set('saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00002', 'variables/variables.data-00001-of-00002', 'assets/vocab.txt'));
    assert.deepEqual([full.format, full.complete], ['tf_saved_model', true]);
  });

  it('is incomplete without saved_model.pb whatever arrived first', () => {
    const r = checkCompleteness(set('variables/variables.index', 'variables/variables.data-00000-of-00001'));
    assert.deepEqual(r.missing, ['saved_model.pb']);
  });

  it('accepts a Hugging Face model with single-file weights', () => {
    assert.equal(checkCompleteness(set('config.json', 'model.safetensors')).complete, true);
    assert.deepEqual(checkCompleteness(set('model.safetensors')).missing, ['config.json']);
  });

  it('reads the shard index of sharded Hugging Face weights', () => {
    const files = set('config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors');
    assert.equal(checkCompleteness(files).needsIndex, 'model.safetensors.index.json');
    const index = { weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } };
    assert.deepEqual(checkCompleteness(files, index).missing, ['model-00002-of-00002.safetensors']);
    assert.equal(checkCompleteness(set(...files, 'model-00002-of-00002.safetensors'), index).complete, true);
    assert.equal(checkCompleteness(files, { weight_map: { a: '../../escape' } }).complete, false);
  });

  it('accepts a PEFT adapter', () => {
    assert.equal(checkCompleteness(set('adapter_config.json', 'adapter_model.safetensors')).format, 'peft_adapter');
    assert.deepEqual(checkCompleteness(set('adapter_config.json')).missing, ['adapter_model.safetensors']);
  });

  it('knows no format for a directory of unrelated files', () => {
    assert.deepEqual([checkCompleteness(set('notes.txt')).format, checkCompleteness(set('notes.txt')).complete], [null, false]);
  });
});
