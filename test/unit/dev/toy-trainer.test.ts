import assert from 'node:assert/strict';
import { toyMetrics, toyModelFiles } from '../../../dev/toy-trainer/model-files';
import { pipelineParameters } from '../../../dev/toy-trainer/pipeline-runner';
import { checkCompleteness } from '../../../shared/domain/model-format';
import { PushedMetrics } from '../../../shared/schemas/pushed-metrics';

describe('toy trainer output', () => {
  it('is a complete TF SavedModel of a few KB, the same for the same run and different for another', () => {
    const files = toyModelFiles('tr-1-20260319080000');
    assert.deepEqual(checkCompleteness(new Set(Object.keys(files))), { format: 'tf_saved_model', complete: true, missing: [], needsIndex: null });
    for (const bytes of Object.values(files)) assert.ok(bytes.length >= 512 && bytes.length < 8192);
    assert.deepEqual(toyModelFiles('tr-1-20260319080000'), files);
    assert.notDeepEqual(toyModelFiles('tr-2-20260319080000')['saved_model.pb'], files['saved_model.pb']);
  });

  it('writes metrics.json the registry reads, blessed against the threshold on the primary metric', () => {
    const retrieval = toyMetrics({ runId: 'tr-1-x', family: 'recs-prod', modelType: 'retrieval', threshold: 0.5 });
    assert.ok(PushedMetrics.safeParse(retrieval).success);
    assert.deepEqual([retrieval.evaluation.metric, retrieval.evaluation.blessed], ['recall_at_100', true]);
    const ranking = toyMetrics({ runId: 'tr-1-x', family: 'ranking-q4', modelType: 'ranking', threshold: 0.1 });
    assert.deepEqual([ranking.evaluation.metric, ranking.evaluation.comparator, ranking.evaluation.blessed], ['rmse', '<=', false]);
  });

  it('reads pipeline parameters as the Vertex twin decodes google.protobuf.Value', () => {
    const job = { runtimeConfig: { parameterValues: {
      run_id: { kind: 'stringValue', stringValue: 'tr-1' }, epochs: { kind: 'numberValue', numberValue: 3 }, fail: { boolValue: true },
    } } };
    assert.deepEqual(pipelineParameters(job as never), { run_id: 'tr-1', epochs: 3, fail: true });
  });
});
