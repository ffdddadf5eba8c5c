/**
 * The environment that points the real gcloud CLI at the local twins. gcloud takes each API's root URL with its
 * trailing slash and appends the API's paths (`v1/projects/…`, `storage/v1/…`). For Vertex AI it would derive a
 * regional host (`us-central1-aiplatform.googleapis.com`) from `--region`, but only from a host that starts with
 * `aiplatform` (googlecloudsdk/command_lib/ai/endpoint_util.py): a loopback override is used as it is.
 */
export interface GcloudTargets {
  projectId: string;
  /** The GCS twin's URL (`http://127.0.0.1:port`). */
  storageUrl?: string;
  /** The Vertex AI twin's REST URL. */
  vertexRestUrl?: string;
  /** The Cloud Scheduler twin's REST URL. */
  schedulerRestUrl?: string;
}

const apiRoot = (url: string) => (url.endsWith('/') ? url : `${url}/`);

export function gcloudEnvironment(targets: GcloudTargets): Record<string, string> {
  return {
    ...(targets.storageUrl ? { CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: apiRoot(targets.storageUrl) } : {}),
    ...(targets.vertexRestUrl ? { CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM: apiRoot(targets.vertexRestUrl) } : {}),
    ...(targets.schedulerRestUrl ? { CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDSCHEDULER: apiRoot(targets.schedulerRestUrl) } : {}),
    // Sent as a bearer token and never checked: the twins take no credentials.
    CLOUDSDK_AUTH_ACCESS_TOKEN: 'dummy',
    CLOUDSDK_CORE_PROJECT: targets.projectId,
  };
}

/** `export NAME=value` lines a user pastes into a shell (values are URLs and ids: nothing to quote). */
export function exportLines(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `export ${name}=${value}`);
}
