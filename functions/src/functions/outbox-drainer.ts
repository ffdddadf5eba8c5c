import type { Request, Response } from '@google-cloud/functions-framework';
import { lazyFirestore } from '../adapters/firestore/client';
import { FirestoreVersionRepository } from '../adapters/firestore/version-repository';
import type { DrainReport } from '../app/outbox-drainer';
import type { HttpHandler } from '../http/api-handler';
import { parseRegistryWritesConfig, type RegistryWritesConfig } from '../registry-config';
import { buildRegistryWrites, type RegistryWritesOverrides } from './registry-writes';

/** Batches per invocation: a backlog drains over a few runs instead of one long one. */
const MAX_BATCHES = 10;

/**
 * The `drainOutbox` function: Cloud Scheduler calls it every minute (OIDC-authenticated, invoker
 * role only) to publish outbox events that the request which wrote them could not.
 */
export function buildOutboxDrainer(config: RegistryWritesConfig, overrides: RegistryWritesOverrides = {}): { handler: HttpHandler; close(): Promise<void> } {
  const firestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const { drainer, close } = buildRegistryWrites(config, firestore, new FirestoreVersionRepository(firestore), overrides);
  const handler: HttpHandler = async (_req, res) => {
    const total: DrainReport = { published: 0, failed: 0 };
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const report = await drainer.drain();
      total.published += report.published;
      total.failed += report.failed;
      if (report.published + report.failed === 0 || report.failed > 0) break;
    }
    res.status(200).json(total);
  };
  return { handler, close };
}

let handler: HttpHandler | undefined;

export async function drainOutbox(req: Request, res: Response): Promise<void> {
  handler ??= buildOutboxDrainer(parseRegistryWritesConfig(process.env)).handler;
  return handler(req, res);
}
