import { createRequire } from 'node:module';
import type { v1 } from '@google-cloud/aiplatform';

export interface VertexConnection {
  project: string;
  location: string;
  /** Twins only: a gRPC host replacing `<location>-aiplatform.googleapis.com`; loopback hosts use plaintext. */
  apiEndpoint?: string | null;
  port?: number | null;
}

type ClientKind = 'EndpointServiceClient' | 'ModelServiceClient' | 'PredictionServiceClient';
export type VertexClient<K extends ClientKind> = InstanceType<(typeof v1)[K]>;
export type VertexClientProvider<K extends ClientKind> = () => Promise<VertexClient<K>>;

/**
 * An aiplatform v1 client built on first use, the promise cached: the module alone costs ~1 s at
 * load, a constructed client ~2 s. Plaintext credentials must come from the grpc copy of the
 * google-gax the client itself loads, hence the require resolved from @google-cloud/aiplatform.
 */
export function lazyVertexClient<K extends ClientKind>(connection: VertexConnection, kind: K): VertexClientProvider<K> {
  let client: Promise<VertexClient<K>> | undefined;
  return () =>
    (client ??= import('@google-cloud/aiplatform').then(({ v1 }) => {
      const Client = v1[kind] as unknown as new (options: object) => VertexClient<K>;
      if (!connection.apiEndpoint) return new Client({ apiEndpoint: `${connection.location}-aiplatform.googleapis.com` });
      const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(connection.apiEndpoint);
      const gax = createRequire(require.resolve('@google-cloud/aiplatform'))('google-gax') as typeof import('google-gax');
      return new Client({
        apiEndpoint: connection.apiEndpoint,
        ...(connection.port ? { port: connection.port } : {}),
        ...(loopback ? { sslCreds: gax.grpc.credentials.createInsecure() } : {}),
      });
    }));
}
