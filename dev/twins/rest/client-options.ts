import { googleAuthLibrary } from 'google-gax';

/** What a google-cloud client needs to use its REST transport (`fallback: true`) against a twin's gateway (a type alias: ClientOptions wants an index signature). */
export type RestClientOptions = {
  fallback: true;
  apiEndpoint: string;
  port: number;
  protocol: 'http';
  authClient: InstanceType<typeof googleAuthLibrary.PassThroughClient>;
};

/** A twin needs no credentials: the PassThroughClient sends requests as they are (the default would look for ADC). */
export function restClientOptions(port: number): RestClientOptions {
  return { fallback: true, apiEndpoint: '127.0.0.1', port, protocol: 'http', authClient: new googleAuthLibrary.PassThroughClient() };
}
