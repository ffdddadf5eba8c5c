import assert from 'node:assert/strict';
import { trainingRunIdOf } from '../../../shared/domain/push-layout';
import { pushRunId, runName, runOutcome, type PipelineStatus } from '../../../shared/domain/training-runs';

const ended = (state: PipelineStatus['state'], error: string | null = null): PipelineStatus => ({ state, error, endedAt: '2026-03-19T09:00:00Z' });
const evaluation = { metric: 'recall_at_100', comparator: '>=', threshold: 0.75, achieved: 0.8 } as const;

describe('training run naming', () => {
  it('names the push directory tr-<run>-<due time UTC>, which the registration flow maps back to the run', () => {
    const runId = pushRunId(47, new Date('2026-01-21T09:30:05.123Z'));
    assert.equal(runId, 'tr-47-20260121093005');
    assert.equal(trainingRunIdOf(runId), '47');
    assert.equal(runName(47), 'TR-47');
  });
});

describe('runOutcome', () => {
  it('has no outcome while the pipeline is pending or running', () => {
    assert.equal(runOutcome(ended('pending'), null), null);
    assert.equal(runOutcome(ended('running'), null), null);
  });

  it('fails a failed or cancelled pipeline, keeping its error', () => {
    assert.deepEqual(runOutcome(ended('failed', 'OOM on worker 0'), null), { status: 'failed', error: 'OOM on worker 0', metrics: {}, evaluation: null, blessed: null });
    assert.equal(runOutcome(ended('cancelled'), null)?.error, 'The pipeline job was cancelled');
  });

  it('completes a succeeded pipeline with its normalized metrics, or marks it not blessed', () => {
    const blessed = runOutcome(ended('succeeded'), { metrics: { 'Recall@100': 0.8 }, evaluation: { ...evaluation, blessed: true } });
    assert.deepEqual(blessed, { status: 'completed', error: null, metrics: { recall_100: 0.8 }, evaluation: { ...evaluation, blessed: true }, blessed: true });
    const rejected = runOutcome(ended('succeeded'), { metrics: {}, evaluation: { ...evaluation, blessed: false } });
    assert.deepEqual([rejected?.status, rejected?.blessed], ['not_blessed', false]);
    assert.deepEqual([runOutcome(ended('succeeded'), { metrics: {}, blessed: false })?.status], ['not_blessed']);
  });

  it('completes a succeeded pipeline without metrics.json with its blessing unknown', () => {
    assert.deepEqual(runOutcome(ended('succeeded'), null), { status: 'completed', error: null, metrics: {}, evaluation: null, blessed: null });
  });
});
