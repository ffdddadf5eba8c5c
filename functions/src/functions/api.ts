import type { Request, Response } from '@google-cloud/functions-framework';
import type { ReadMeter } from '../../../shared/ports';
import { lazyFirestore } from '../adapters/firestore/client';
import { FirestoreCalendarRunRepository } from '../adapters/firestore/calendar-run-repository';
import { FirestoreScheduleRepository } from '../adapters/firestore/schedule-repository';
import { FirestoreRoleDirectory } from '../adapters/firestore/role-directory';
import { FirestoreTrainingRunRepository } from '../adapters/firestore/run-repository';
import { FirestoreVersionRepository } from '../adapters/firestore/version-repository';
import { CalendarReader } from '../app/calendar';
import { ModelReader } from '../app/model-reader';
import { parseConfig, type ApiConfig } from '../config';
import { createApiHandler, type HttpHandler } from '../http/api-handler';
import { createAuthenticator } from '../http/auth';
import { scheduleRoutes } from '../http/routes/schedule-routes';
import { buildTrainingSchedules } from './scheduling';
import { calendarRoutes } from '../http/routes/calendar-routes';
import { healthRoutes } from '../http/routes/health-routes';
import { modelReadRoutes } from '../http/routes/model-routes';
import { devTokenVerifier, googleIdTokenVerifier } from '../http/token-verifiers';
import { createLogger } from '../log';

export interface ApiOverrides {
  /** Lets the bench count document reads. */
  meter?: ReadMeter;
}

/** Composition root of the HTTP API: config → adapters → use cases → routes. No client is built here. */
export function buildApi(config: ApiConfig, overrides: ApiOverrides = {}): HttpHandler {
  const firestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const versions = new FirestoreVersionRepository(firestore, overrides.meter);
  const runs = new FirestoreTrainingRunRepository(firestore, overrides.meter);
  const reader = new ModelReader(versions, runs);
  const calendar = new CalendarReader(
    new FirestoreScheduleRepository(firestore, overrides.meter),
    new FirestoreCalendarRunRepository(firestore, overrides.meter),
    { now: () => new Date() },
  );
  const verifier = config.auth.mode === 'google' ? googleIdTokenVerifier(config.auth.audience) : devTokenVerifier(config.auth.secret);
  const log = createLogger(config.logLevel);
  const schedules = config.scheduling ? buildTrainingSchedules({ firestore, config: config.scheduling, log }) : null;
  return createApiHandler({
    routes: [
      ...healthRoutes(), ...modelReadRoutes(reader), ...calendarRoutes(calendar),
      ...(schedules ? scheduleRoutes(schedules) : []),
    ],
    authenticator: createAuthenticator(verifier, config.roleBindings, new FirestoreRoleDirectory(firestore)),
    corsOrigins: config.corsOrigins,
    log,
  });
}

let handler: HttpHandler | undefined;

/** The deployed `api` function: configuration is parsed on first use, once per instance. */
export async function api(req: Request, res: Response): Promise<void> {
  handler ??= buildApi(parseConfig(process.env));
  return handler(req, res);
}

// Deployed as the target: validate configuration now, so a bad value stops the instance at start.
if (process.env.FUNCTION_TARGET === 'api') handler = buildApi(parseConfig(process.env));
