import assert from 'node:assert/strict';
import { familyFromMetadata } from '../../../shared/domain/push-family';

describe('familyFromMetadata', () => {
  const file = (name: string, metadata?: Record<string, string>) => ({ name, ...(metadata && { metadata }) });

  it('finds nothing when no file carries registry metadata', () => {
    assert.deepEqual(familyFromMetadata([file('a'), file('b', { owner: 'ml' })]), { found: false });
  });

  it('takes the family named by the files that carry it, ignoring files without it', () => {
    const named = { 'registry-family': 'recs', 'registry-model-type': 'ranking' };
    assert.deepEqual(familyFromMetadata([file('saved_model.pb', named), file('variables/x'), file('assets/y', named)]), { found: true, id: 'recs', modelType: 'ranking' });
  });

  it('states a problem when files disagree, or a value is not a family id or model type', () => {
    const a = file('a', { 'registry-family': 'recs', 'registry-model-type': 'ranking' });
    const b = file('b', { 'registry-family': 'ads', 'registry-model-type': 'ranking' });
    assert.match((familyFromMetadata([a, b]) as { problem: string }).problem, /disagree.*\(a and b\)/);
    assert.match((familyFromMetadata([file('a', { 'registry-family': 'Recs!', 'registry-model-type': 'ranking' })]) as { problem: string }).problem, /not a valid family id/);
    assert.match((familyFromMetadata([file('a', { 'registry-family': 'recs' })]) as { problem: string }).problem, /registry-model-type='' must be one of/);
  });
});
