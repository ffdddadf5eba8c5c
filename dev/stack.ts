/**
 * The whole local stack behind `npm start` (and the end-to-end tests): Google's Firestore
 * emulator, the registry's functions served by the functions framework, and the dashboard, all on
 * 127.0.0.1. State lives under a data directory so it survives restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Role } from '../shared/ports';
import { parseConfig } from '../functions/src/config';
import { buildApi } from '../functions/src/functions/api';
import { signDevToken } from '../functions/src/http/token-verifiers';
import { startFirestoreEmulator, type FirestoreEmulator } from './emulators/firestore';
import { demoRegistry } from './demo/demo-data';
import { seedRegistry } from './demo/seed';
import { serveStatic } from './static-files';
import { buildDashboard } from '../dashboard/build';

export interface StackOptions {
  /** HTTP port for the API and dashboard (0 = any free port). */
  port?: number;
  /** Where state persists; null keeps nothing (tests). */
  dataDir?: string | null;
  /** Load the demo registry when the registry is empty. */
  demo?: boolean;
  projectId?: string;
  /** Build the dashboard bundle at start (default true; the e2e tests build it themselves). */
  buildDashboard?: boolean;
  log?: (line: string) => void;
}

export interface Stack {
  url: string;
  projectId: string;
  firestore: FirestoreEmulator;
  dataDir: string | null;
  token(role: Role, email?: string): Promise<string>;
  stop(): Promise<void>;
}

const FIRESTORE_EXPORT = 'firestore';

export function devSecret(dataDir: string | null): string {
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, 'dev-auth-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** The newest export's metadata file, if a previous run left one. */
function latestExport(dataDir: string | null): string | undefined {
  const dir = dataDir && join(dataDir, FIRESTORE_EXPORT);
  if (!dir || !existsSync(dir)) return undefined;
  const exports = readdirSync(dir).filter((d) => d.startsWith('firestore_export')).sort();
  const newest = exports.at(-1);
  const meta = newest && readdirSync(join(dir, newest)).find((f) => f.endsWith('.overall_export_metadata'));
  return meta ? join(dir, newest!, meta) : undefined;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.log ?? (() => undefined);
  const dataDir = opts.dataDir === undefined ? resolve(process.env.REGISTRY_DATA_DIR ?? '.data') : opts.dataDir && resolve(opts.dataDir);
  const projectId = opts.projectId ?? 'demo-registry';
  const secret = devSecret(dataDir);

  const built = opts.buildDashboard === false ? null : buildDashboard();
  const importFile = latestExport(dataDir);
  log(`starting Google's Firestore emulator${importFile ? ' (restoring saved data)' : ''}…`);
  const firestore = await startFirestoreEmulator({ projectId, importFile });
  process.env.FIRESTORE_EMULATOR_HOST = firestore.host;

  const { Firestore } = await import('@google-cloud/firestore');
  const db = new Firestore({ projectId, ignoreUndefinedProperties: true });
  if (opts.demo !== false) {
    const empty = (await db.collection('versions').limit(1).get()).empty;
    if (empty) {
      await seedRegistry(db, demoRegistry());
      log('loaded the demo registry (documents tagged "demo"; start with --no-demo to skip)');
    }
  }

  const config = parseConfig({
    GOOGLE_CLOUD_PROJECT: projectId, AUTH_MODE: 'dev', DEV_AUTH_SECRET: secret, LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARNING',
    ROLE_BINDINGS: process.env.ROLE_BINDINGS ?? '',
  });
  http('api', buildApi(config));
  const apiServer = getTestServer('api');
  const dashboardDir = resolve(__dirname, '../dashboard/dist');

  await built;
  const front: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/api')) apiServer.emit('request', req, res);
    else serveStatic(dashboardDir, req, res);
  });
  await new Promise<void>((ok, fail) => front.once('error', fail).listen(opts.port ?? 8080, '127.0.0.1', ok));
  const address = front.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : opts.port}`;

  return {
    url, projectId, firestore, dataDir,
    token: (role, email = `${role}@localhost`) => signDevToken(secret, { role, email }),
    async stop() {
      await new Promise<void>((ok) => front.close(() => ok()));
      front.closeAllConnections();
      if (dataDir) {
        const dir = join(dataDir, FIRESTORE_EXPORT);
        const before = existsSync(dir) ? readdirSync(dir) : [];
        await firestore.exportTo(dir);
        for (const old of before) rmSync(join(dir, old), { recursive: true, force: true });
      }
      await db.terminate();
      await firestore.stop();
    },
  };
}
