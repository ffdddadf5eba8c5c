import type { ReadMeter } from '../../../shared/ports';
import { lazyFirestore, type FirestoreProvider } from '../adapters/firestore/client';
import { FirestoreCalendarRunRepository } from '../adapters/firestore/calendar-run-repository';
import { FirestoreScheduleRepository } from '../adapters/firestore/schedule-repository';
import { FirestoreRoleDirectory } from '../adapters/firestore/role-directory';
import { FirestoreTrainingRunRepository } from '../adapters/firestore/run-repository';
import { FirestoreVersionRepository } from '../adapters/firestore/version-repository';
import { CalendarReader } from '../app/calendar';
import { ModelReader } from '../app/model-reader';
import type { ApiConfig } from '../config';
import { createApiHandler, type HttpHandler } from '../http/api-handler';
import { createAuthenticator } from '../http/auth';
import { scheduleRoutes } from '../http/routes/schedule-routes';
import { mirrorRoutes } from '../http/routes/mirror-routes';
import { withVersionRefs } from '../http/routes/version-refs';
import { buildArtifactRoutes } from './artifact-routes';
import { signatureRoutes } from '../http/routes/signature-routes';
import { buildMirrorRetry } from './mirror-retry';
import { buildRegistryWrites, type RegistryWrites } from './registry-writes';
import { buildTrainingSchedules } from './scheduling';
import { calendarRoutes } from '../http/routes/calendar-routes';
import { healthRoutes } from '../http/routes/health-routes';
import { openApiRoutes } from '../http/routes/openapi-routes';
import type { Route } from '../http/route';
import { modelReadRoutes } from '../http/routes/model-routes';
import { devTokenVerifier, googleIdTokenVerifier } from '../http/token-verifiers';
import { createLogger } from '../log';

export interface ApiOverrides {
  /** Lets the bench count document reads. */
  meter?: ReadMeter;
}

export interface ApiParts {
  handler: HttpHandler;
  /** Deployment, aliases, lifecycle and the events outbox (the local stack drains it on a timer). */
  writes: RegistryWrites;
  /** What the handler serves (the OpenAPI document is built from it). */
  routes: Route[];
  /** The Firestore client, created on first use (api-load.ts may create it before a request needs it). */
  firestore: FirestoreProvider;
}

/** Composition root of the HTTP API: config → adapters → use cases → routes. No client is built here. */
export function buildApi(config: ApiConfig, overrides: ApiOverrides = {}): HttpHandler {
  return buildApiParts(config, overrides).handler;
}

export function buildApiParts(config: ApiConfig, overrides: ApiOverrides = {}): ApiParts {
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
  const writes = buildRegistryWrites(config.registryWrites, firestore, versions, { log });
  const retry = buildMirrorRetry({ firestore, vertex: config.registryWrites.vertex, aliases: writes.aliases, log });
  const { signing } = writes;
  const artifacts = config.artifacts
    ? buildArtifactRoutes(config.artifacts, firestore, { aliases: writes.aliases, flusher: writes.drainer, signing: signing?.signing ?? null }, { log })
    : null;
  const served = [
    ...healthRoutes(),
    // `family@alias` works wherever a version id does.
    ...withVersionRefs(modelReadRoutes(reader), writes.resolveVersionRef),
    ...writes.routes,
    ...(artifacts ? withVersionRefs(artifacts.routes, writes.resolveVersionRef) : []),
    ...calendarRoutes(calendar),
    ...(schedules ? scheduleRoutes(schedules) : []),
    ...mirrorRoutes(retry, writes.resolveVersionRef),
    ...withVersionRefs(signatureRoutes(signing?.signing ?? null), writes.resolveVersionRef),
  ];
  const routes = [...served, ...openApiRoutes(served)];
  const handler = createApiHandler({
    routes,
    authenticator: createAuthenticator(verifier, config.roleBindings, new FirestoreRoleDirectory(firestore)),
    corsOrigins: config.corsOrigins,
    log,
  });
  return { handler, writes, routes, firestore };
}
