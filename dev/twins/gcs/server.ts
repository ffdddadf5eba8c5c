import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Router from 'find-my-way';
import type { TwinContext } from './context';
import { GcsError } from './errors';
import { sendError, type Handler } from './http';
import { downloadMedia } from './media-download';
import { createBucket, getBucket, getStorageLayout, listBuckets } from './bucket-routes';
import { composeObject } from './compose';
import { copyObject, deleteObject, getObject, listObjects, patchObject } from './object-routes';
import { ResumableUploads } from './resumable-upload';
import { singleRequestUpload } from './simple-upload';
import { checkStandardParameters } from './standard-parameters';

/** The HTTP server of the JSON API subset the Node.js client uses. */
export function createTwinServer(ctx: TwinContext): Server {
  const router = Router({
    maxParamLength: 4096, // object names reach 1024 bytes, up to 3 times longer percent-encoded
    defaultRoute: (_req, res) => sendError(res, new GcsError(404, 'Not Found', 'notFound'), ctx.log),
  });
  const route = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, handler: Handler): void => {
    router.on(method, path, (req, res, params) => run(ctx, handler, req, res, params));
  };
  const resumable = new ResumableUploads(ctx);
  const object = '/storage/v1/b/:bucket/o/:object';

  route('GET', '/storage/v1/b', (r) => listBuckets(ctx, r));
  route('POST', '/storage/v1/b', (r) => createBucket(ctx, r));
  route('GET', '/storage/v1/b/:bucket', (r) => getBucket(ctx, r));
  route('GET', '/storage/v1/b/:bucket/storageLayout', (r) => getStorageLayout(ctx, r));
  route('GET', '/storage/v1/b/:bucket/o', (r) => listObjects(ctx, r));
  route('GET', object, (r) => getObject(ctx, r));
  route('GET', '/download/storage/v1/b/:bucket/o/:object', (r) => downloadMedia(ctx, r)); // mediaLink
  route('PATCH', object, (r) => patchObject(ctx, r));
  route('DELETE', object, (r) => deleteObject(ctx, r));
  route('POST', `${object}/rewriteTo/b/:destinationBucket/o/:destinationObject`, (r) => copyObject(ctx, r, 'rewrite'));
  route('POST', `${object}/compose`, (r) => composeObject(ctx, r));
  route('POST', `${object}/copyTo/b/:destinationBucket/o/:destinationObject`, (r) => copyObject(ctx, r, 'copy'));
  // apitools (gcloud, gsutil) starts resumable uploads under /resumable/upload/..., the same API.
  for (const upload of ['/upload/storage/v1/b/:bucket/o', '/resumable/upload/storage/v1/b/:bucket/o']) {
    route('POST', upload, (r) => (r.query.get('uploadType') === 'resumable' ? resumable.start(r) : singleRequestUpload(ctx, r)));
    route('PUT', upload, (r) => resumable.put(r));
  }

  const server = createServer((req, res) => {
    const latency = ctx.faults.latencyMs;
    if (latency > 0) void sleep(latency).then(() => router.lookup(req, res));
    else router.lookup(req, res);
  });
  server.requestTimeout = 0; // multi-GiB uploads outlast Node's default 5 minutes
  return server;
}

async function run(
  ctx: TwinContext,
  handler: Handler,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string | undefined>,
): Promise<void> {
  try {
    const query = new URL(req.url ?? '/', 'http://twin').searchParams;
    checkStandardParameters(query);
    await handler({ req, res, params, query });
  } catch (err) {
    sendError(res, err, ctx.log);
  }
}
