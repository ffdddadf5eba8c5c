/** Google Cloud console addresses built from resource names (opened in a new tab). */
const CONSOLE = 'https://console.cloud.google.com';

const MODEL = /^projects\/([^/]+)\/locations\/([^/]+)\/models\/([^/@]+)(?:@([^/]+))?$/;
const ENDPOINT = /^projects\/([^/]+)\/locations\/([^/]+)\/endpoints\/([^/]+)$/;

/** `projects/p/locations/l/models/m` (+ version) → the model's page in Vertex AI Model Registry. */
export function vertexModelUrl(resourceName: string | null, versionId?: string | null): string | null {
  const m = resourceName ? MODEL.exec(resourceName) : null;
  if (!m) return null;
  const [, project, location, model, atVersion] = m;
  const version = versionId ?? atVersion;
  const path = `locations/${location}/models/${model}${version ? `/versions/${encodeURIComponent(version)}` : ''}`;
  return `${CONSOLE}/vertex-ai/models/${path}?project=${encodeURIComponent(project!)}`;
}

export function vertexEndpointUrl(resourceName: string | null): string | null {
  const m = resourceName ? ENDPOINT.exec(resourceName) : null;
  if (!m) return null;
  const [, project, location, endpoint] = m;
  return `${CONSOLE}/vertex-ai/online-prediction/locations/${location}/endpoints/${endpoint}?project=${encodeURIComponent(project!)}`;
}

/** `gs://bucket/path` → the Cloud Storage browser (a file opens its details page). */
export function gcsBrowseUrl(uri: string | null, isFile = false): string | null {
  const m = uri ? /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri) : null;
  if (!m) return null;
  const path = `${m[1]}/${m[2]}`.replace(/\/$/, '');
  return `${CONSOLE}/storage/browser/${isFile ? '_details/' : ''}${path}`;
}

export function openExternal(url: string): void {
  window.open(url, '_blank', 'noopener,noreferrer');
}
