import { parseConfig } from '../config';
import type { HttpHandler } from '../http/api-handler';
import { buildApiParts } from './api';

export interface LoadedApi {
  handler: HttpHandler;
  /** Loads the Firestore library and creates the client, as the first request that reads would. */
  warmFirestore: () => Promise<void>;
}

/**
 * The API's routes, schemas and use cases behind one require: api-entry.ts loads this after the
 * instance listens, and the bundle (functions/build.ts) makes it a file of its own.
 */
export function loadApi(env: NodeJS.ProcessEnv): LoadedApi {
  const { handler, firestore } = buildApiParts(parseConfig(env));
  return { handler, warmFirestore: async () => void (await firestore()) };
}
