import { parseConfig } from '../config';
import type { HttpHandler } from '../http/api-handler';
import { buildApiParts } from './api';
import { summaryShardRef } from '../adapters/firestore/summary-counters';

export interface LoadedApi {
  handler: HttpHandler;
  /**
   * Loads the Firestore library, creates the client and makes its first read, as the first request
   * that reads would: the transport (and in production its access token) is set up by that read.
   */
  warmFirestore: () => Promise<void>;
}

/**
 * The API's routes, schemas and use cases behind one require: api-entry.ts loads this after the
 * instance listens, and the bundle (functions/build.ts) makes it a file of its own.
 */
export function loadApi(env: NodeJS.ProcessEnv): LoadedApi {
  const { handler, firestore } = buildApiParts(parseConfig(env));
  return {
    handler,
    // The document the dashboard's summary reads first: a read any visit would make anyway.
    warmFirestore: async () => {
      const { db } = await firestore();
      await summaryShardRef(db, 0).get();
    },
  };
}
