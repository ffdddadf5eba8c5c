import type { Request, Response } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { ValidationError } from '../../../shared/errors';
import type { Clock } from '../../../shared/ports';
import { ScheduleIdParam } from '../../../shared/schemas/schedule-api';
import { parseOrThrow } from '../../../shared/validation';
import { lazyFirestore } from '../adapters/firestore/client';
import { FirestoreScheduleStore } from '../adapters/firestore/schedule-store';
import { FirestoreTrainingRunStore } from '../adapters/firestore/training-run-store';
import { VertexPipelines, lazyPipelineService } from '../adapters/vertex/pipeline-runner';
import { ScheduledTraining } from '../app/scheduled-training';
import type { HttpHandler } from '../http/api-handler';
import { toErrorReply } from '../http/error-status';
import { schedulerCallerCheck } from '../http/scheduler-caller';
import { createLogger, type Logger } from '../log';
import { parseTriggerConfig, type TriggerConfig } from '../training-config';

export interface TriggerOverrides {
  clock?: Clock;
  log?: Logger;
}

const TriggerBody = z.strictObject({ scheduleId: ScheduleIdParam });
const ScheduleTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Cloud Scheduler sends the job's body as configured (JSON); without a JSON content type it arrives as bytes. */
function jsonBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body) && typeof body !== 'string') return body;
  try {
    return JSON.parse(body.toString());
  } catch {
    throw new ValidationError([{ path: 'body', message: 'is not JSON' }]);
  }
}

/** Composition root of the trigger function: config → adapters → use case. No client is built here. */
export function buildTrigger(config: TriggerConfig, overrides: TriggerOverrides = {}): HttpHandler {
  const log = overrides.log ?? createLogger(config.logLevel);
  const firestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const caller = schedulerCallerCheck(config.caller);
  const training = new ScheduledTraining({
    schedules: new FirestoreScheduleStore(firestore),
    runs: new FirestoreTrainingRunStore(firestore),
    pipelines: new VertexPipelines(lazyPipelineService(config.vertex), config.vertex),
    clock: overrides.clock ?? { now: () => new Date() },
    log,
    pushesBucket: config.pushesBucket,
  });

  return async (req, res) => {
    try {
      await caller.accept(req, res);
      const { scheduleId } = parseOrThrow(TriggerBody, jsonBody(req.body), 'body');
      const scheduleTime = parseOrThrow(ScheduleTime, req.headers['x-cloudscheduler-scheduletime'], 'headers.x-cloudscheduler-scheduletime');
      const result = await training.fire({ scheduleId, scheduleTime });
      log.info(`trigger: ${result.outcome}`, { scheduleId, scheduleTime: scheduleTime.toISOString(), result });
      res.status(200).json(result);
    } catch (error) {
      const reply = toErrorReply(error);
      if (reply.status >= 500) log.error('trigger failed; Cloud Scheduler will retry', { error });
      else log.warn('trigger refused', { status: reply.status, error: reply.body.error });
      res.status(reply.status).json(reply.body);
    }
  };
}

let handler: HttpHandler | undefined;

/** The deployed `trigger` function: the HTTP target of every schedule's Cloud Scheduler job. */
export async function trigger(req: Request, res: Response): Promise<void> {
  handler ??= buildTrigger(parseTriggerConfig(process.env));
  return handler(req, res);
}

// Deployed as the target: validate configuration now, so a bad value stops the instance at start.
if (process.env.FUNCTION_TARGET === 'trigger') handler = buildTrigger(parseTriggerConfig(process.env));
