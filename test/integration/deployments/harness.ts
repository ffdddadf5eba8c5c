import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import { v1 } from '@google-cloud/aiplatform';
import { seedRegistry } from '../../../dev/demo/seed';
import { startMonitoringTwin, type MonitoringTwin } from '../../../dev/twins/monitoring';
import { startVertexTwin, vertexClientOptions, type VertexTwin } from '../../../dev/twins/vertex';
import { lazyFirestore } from '../../../functions/src/adapters/firestore/client';
import { FirestoreTrainingRunRepository } from '../../../functions/src/adapters/firestore/run-repository';
import { FirestoreVersionRepository } from '../../../functions/src/adapters/firestore/version-repository';
import { ModelReader } from '../../../functions/src/app/model-reader';
import { buildRegistryWrites, type RegistryWrites, type RegistryWritesOverrides } from '../../../functions/src/functions/registry-writes';
import { createApiHandler } from '../../../functions/src/http/api-handler';
import { createAuthenticator } from '../../../functions/src/http/auth';
import { modelReadRoutes } from '../../../functions/src/http/routes/model-routes';
import { withVersionRefs } from '../../../functions/src/http/routes/version-refs';
import { devTokenVerifier } from '../../../functions/src/http/token-verifiers';
import { createLogger } from '../../../functions/src/log';
import { parseRegistryWritesConfig } from '../../../functions/src/registry-config';
import type { RegistryEvent } from '../../../shared/domain/registry-events';
import type { EventPublisher } from '../../../shared/registry-ports';
import type { ModelVersion, ModelVersionInput } from '../../../shared/schemas/model-version';
import type { ModelType } from '../../../shared/schemas/common';
import { TEST_SECRET, tokenFor } from '../../support/api';
import { makeVersion } from '../../support/fixtures';
import { sharedFirestoreEmulator, testFirestore } from '../../support/firestore';

export const LOCATION = 'us-central1';
let counter = 0;

/** A publisher that keeps what it is given (for suites that are not about Pub/Sub). */
export function recordingPublisher(): EventPublisher & { events: RegistryEvent[] } {
  const events: RegistryEvent[] = [];
  return { events, async publish(event) { events.push(event); return String(events.length); } };
}

export interface HarnessOptions {
  /** How long the twin's operations stay not done (clients poll). */
  operationDelayMs?: number;
  env?: Record<string, string>;
  overrides?: RegistryWritesOverrides;
}

export interface DeploymentsHarness {
  vertex: VertexTwin;
  /** Serves the Vertex twin's prediction records as Cloud Monitoring metrics. */
  monitoring: MonitoringTwin;
  db: Firestore;
  projectId: string;
  parent: string;
  /** The registry API (read routes + deployment, alias and lifecycle routes) behind the real front door. */
  server: ReturnType<typeof getTestServer>;
  writes: RegistryWrites;
  tokens: { viewer: string; editor: string; deployer: string };
  /**
   * Uploads the version to the Vertex twin (the family's model, one version per registry version,
   * through the unmodified ModelServiceClient) and stores it in Firestore as mirrored.
   */
  seedMirrored(over: Partial<ModelVersionInput> & { familyId?: string; version?: number; modelType?: ModelType }): Promise<ModelVersion>;
  seed(versions: ModelVersion[]): Promise<void>;
  endpointClient(): v1.EndpointServiceClient;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDeploymentsHarness(opts: HarnessOptions = {}): Promise<DeploymentsHarness> {
  const emulator = await sharedFirestoreEmulator();
  const db = await testFirestore();
  const projectId = emulator.projectId;
  const vertex = await startVertexTwin({ project: projectId, location: LOCATION, operationDelayMs: opts.operationDelayMs ?? 0 });
  const monitoring = await startMonitoringTwin({ predictions: () => vertex.predictions.records() });
  const config = parseRegistryWritesConfig({
    GOOGLE_CLOUD_PROJECT: projectId,
    VERTEX_LOCATION: LOCATION,
    VERTEX_API_ENDPOINT: '127.0.0.1',
    VERTEX_API_PORT: String(vertex.port),
    MONITORING_API_ENDPOINT: '127.0.0.1',
    MONITORING_API_PORT: String(monitoring.port),
    LOG_LEVEL: process.env.DEPLOY_TEST_LOG ?? 'CRITICAL',
    ...opts.env,
  });
  const firestore = lazyFirestore({ projectId, databaseId: '(default)' });
  const versions = new FirestoreVersionRepository(firestore);
  const writes = buildRegistryWrites(config, firestore, versions, {
    operationTuning: { pollRetries: 3, pollRetryDelayMs: 20 },
    ...opts.overrides,
  });
  const reader = new ModelReader(versions, new FirestoreTrainingRunRepository(firestore));
  const name = `deployments-test-${++counter}`;
  http(name, createApiHandler({
    routes: [...withVersionRefs(modelReadRoutes(reader), writes.resolveVersionRef), ...writes.routes],
    authenticator: createAuthenticator(devTokenVerifier(TEST_SECRET), {}, null),
    corsOrigins: [],
    log: createLogger('CRITICAL'),
  }));
  const server = getTestServer(name);
  const tokens = { viewer: await tokenFor('viewer'), editor: await tokenFor('editor'), deployer: await tokenFor('deployer') };
  const parent = `projects/${projectId}/locations/${LOCATION}`;
  const models = new v1.ModelServiceClient(vertexClientOptions(vertex.port));
  let endpoints: v1.EndpointServiceClient | undefined;

  const seed = (list: ModelVersion[]) => seedRegistry(db, { versions: list });

  return {
    vertex, monitoring, db, projectId, parent, server, writes, tokens, seed,
    async seedMirrored(over) {
      const draft = makeVersion(over);
      const modelId = draft.familyId.replace(/[^a-z0-9_-]/g, '_');
      const exists = vertex.models().some((m) => m.name === `${parent}/models/${modelId}`);
      const [operation] = await models.uploadModel({
        parent,
        ...(exists ? { parentModel: `${parent}/models/${modelId}` } : { modelId }),
        model: { displayName: draft.name, artifactUri: draft.artifacts.modelUri, containerSpec: { imageUri: draft.artifacts.servingContainerImage } },
      });
      const [uploaded] = await operation.promise();
      const version = makeVersion({
        ...over,
        vertex: { state: 'mirrored', displayName: draft.name, modelResourceName: uploaded.model!, versionId: uploaded.modelVersionId! },
      });
      await seed([version]);
      return version;
    },
    endpointClient: () => (endpoints ??= new v1.EndpointServiceClient(vertexClientOptions(vertex.port))),
    async reset() {
      vertex.faults.clear();
      await emulator.reset();
    },
    async stop() {
      await Promise.all([models.close(), endpoints?.close(), writes.close()]);
      await Promise.all([vertex.stop(), monitoring.stop()]);
    },
  };
}
