/**
 * The API side of benchZipRss, in its own process so that its peak RSS is the download's alone:
 * serves the artifact routes, tells the parent its port, and reports its peak RSS when asked.
 * Configuration comes from the environment (as the API's), plus BENCH_DEV_SECRET.
 */
import type { Server } from 'node:http';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { freePort } from '../dev/lib/free-port';
import { lazyFirestore } from '../functions/src/adapters/firestore/client';
import { parseArtifactConfig } from '../functions/src/artifact-config';
import { FirestoreVersionRepository } from '../functions/src/adapters/firestore/version-repository';
import { buildArtifactRoutes } from '../functions/src/functions/artifact-routes';
import { buildRegistryWrites } from '../functions/src/functions/registry-writes';
import { parseRegistryWritesConfig } from '../functions/src/registry-config';
import { createApiHandler } from '../functions/src/http/api-handler';
import { createAuthenticator } from '../functions/src/http/auth';
import { devTokenVerifier } from '../functions/src/http/token-verifiers';
import { createLogger } from '../functions/src/log';

const MB = 1024; // resourceUsage().maxRSS is in kilobytes

async function main() {
  const config = parseArtifactConfig(process.env);
  const firestore = lazyFirestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  // Composed as the API composes them (clients are built on first use: a download builds none of these).
  const writes = buildRegistryWrites(parseRegistryWritesConfig(process.env), firestore, new FirestoreVersionRepository(firestore));
  const artifacts = buildArtifactRoutes(config, firestore, { aliases: writes.aliases, flusher: writes.drainer });
  http('bench-zip', createApiHandler({
    routes: artifacts.routes,
    authenticator: createAuthenticator(devTokenVerifier(process.env.BENCH_DEV_SECRET!), {}, null),
    corsOrigins: [],
    log: createLogger('ERROR'),
  }));
  const server: Server = getTestServer('bench-zip');
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  process.on('message', (message) => {
    if (message === 'report') {
      process.send!({ maxRssMB: Math.round(process.resourceUsage().maxRSS / MB), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) });
    }
  });
  process.send!({ port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
