import { grpc } from 'google-gax';
import type { JWK } from 'jose';
import { freePort } from '../../lib/free-port';
import { Dispatcher, type Delivery } from './dispatcher';
import { Faults, type FaultSettings } from './faults';
import { Firing } from './firing';
import { cloudSchedulerHandlers } from './grpc-handlers';
import { JobStore } from './job-store';
import { startOidcIssuer, type OidcSigner } from './oidc-issuer';
import { loadCloudSchedulerRoot, loadCloudSchedulerService } from './protos';
import { restClientOptions, type RestClientOptions } from '../rest/client-options';
import { startRestGateway, type RestGateway } from '../rest/rest-gateway';
import type { Job } from './wire';

export type { Delivery, FaultSettings, Job, OidcSigner };

export interface SchedulerTwinOptions {
  /** gRPC port. Default: a free port. */
  port?: number;
  /** REST (HTTP/JSON) port. Default: a free port. */
  restPort?: number;
  /** The clock cron slots are read against (default: real time). */
  now?: () => Date;
  /** Fire due jobs from a one-second timer (default true); tests using `tick` turn it off. */
  autoFire?: boolean;
  /** Multiplies retry backoffs (default 1); e.g. 0.001 turns the 5 s minimum into 5 ms. */
  retryScale?: number;
  /** Mints the bearer tokens instead of the twin's own RS256 key (the published JWKS is then empty). */
  signer?: OidcSigner;
}

export interface SchedulerTwin {
  /** The gRPC port. */
  readonly port: number;
  /** "127.0.0.1:port" (gRPC) */
  readonly address: string;
  /** The REST port: the same jobs over HTTP/JSON, as the protos' `google.api.http` annotations map them. */
  readonly restPort: number;
  /** `http://127.0.0.1:restPort`, the API root (`/v1/projects/…` below it) */
  readonly restUrl: string;
  /** The public key set that verifies the bearer tokens on deliveries. */
  readonly jwks: { keys: JWK[] };
  /** Where the twin serves `jwks` over HTTP, for `jose.createRemoteJWKSet`. */
  readonly jwksUrl: string;
  /** The tokens' `iss`. */
  readonly issuer: string;
  faults: { set(settings: FaultSettings): void; clear(): void };
  /** Fires every slot due up to `until` in time order, and resolves once all deliveries (and retries) are done. */
  tick(until: Date): Promise<void>;
  /** Resolves once no delivery is in flight (e.g. after RunJob). */
  settled(): Promise<void>;
  jobs(): Job[];
  /** Every HTTP attempt made, in order. */
  deliveries(): Delivery[];
  stop(): Promise<void>;
}

/** Starts the Cloud Scheduler twin: a CloudScheduler v1 gRPC server on 127.0.0.1 that also fires jobs' HTTP targets. */
export async function startSchedulerTwin(opts: SchedulerTwinOptions = {}): Promise<SchedulerTwin> {
  const now = opts.now ?? (() => new Date());
  const oidc = await startOidcIssuer(opts.signer);
  const faults = new Faults();
  const store = new JobStore(now);
  const dispatcher = new Dispatcher({
    sign: oidc.sign,
    now,
    retryScale: opts.retryScale ?? 1,
    deliveryCopies: () => faults.deliveryCopies,
    onAttempt: (name, at, status) => store.recordAttempt(name, at, status),
  });
  const firing = new Firing(store, dispatcher, now);

  const server = new grpc.Server();
  server.addService(loadCloudSchedulerService(), cloudSchedulerHandlers({ store, dispatcher, faults, now }));
  let port: number;
  let rest: RestGateway;
  try {
    const requested = opts.port ?? (await freePort());
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${requested}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
        if (err) reject(err);
        else resolve(bound);
      });
    });
    rest = await startRestGateway({
      root: loadCloudSchedulerRoot(), services: ['google.cloud.scheduler.v1.CloudScheduler'], grpcAddress: `127.0.0.1:${port}`, port: opts.restPort,
    });
  } catch (err) {
    server.forceShutdown();
    await oidc.stop();
    throw err;
  }
  if (opts.autoFire ?? true) firing.startTimer();

  return {
    port,
    address: `127.0.0.1:${port}`,
    restPort: rest.port,
    restUrl: rest.url,
    jwks: oidc.jwks,
    jwksUrl: oidc.jwksUrl,
    issuer: oidc.issuer,
    faults,
    tick: (until) => firing.tick(until),
    settled: () => dispatcher.settled(),
    jobs: () => store.all(),
    deliveries: () => dispatcher.deliveries(),
    async stop() {
      firing.stopTimer();
      await dispatcher.stop();
      await rest.stop();
      server.forceShutdown();
      await oidc.stop();
    },
  };
}

/** Options for an unmodified `CloudSchedulerClient` talking to the twin (insecure creds from gax's own grpc copy). */
export function schedulerClientOptions(port: number): { apiEndpoint: string; port: number; sslCreds: grpc.ChannelCredentials } {
  return { apiEndpoint: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure() };
}

/** Options for a `CloudSchedulerClient` using its REST transport (`fallback: true`) against the twin, without credentials. */
export function schedulerRestClientOptions(restPort: number): RestClientOptions {
  return restClientOptions(restPort);
}
