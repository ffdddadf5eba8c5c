import type { TwinContext } from './context';
import { invalid, serviceUnavailable } from './errors';
import { readJson, sendResource, type TwinRequest } from './http';
import type { BucketRecord } from './store';

export async function createBucket(ctx: TwinContext, request: TwinRequest): Promise<void> {
  const { req } = request;
  if (ctx.faults.takeWriteFault()) throw serviceUnavailable();
  const body = await readJson(req);
  if (typeof body.name !== 'string') throw invalid('Required bucket name is missing.');
  const record = await ctx.store.createBucket(body.name, {
    location: typeof body.location === 'string' ? body.location : undefined,
    storageClass: typeof body.storageClass === 'string' ? body.storageClass : undefined,
  });
  sendResource(request, 200, bucketResource(record, ctx.baseUrl));
}

export async function getBucket(ctx: TwinContext, request: TwinRequest): Promise<void> {
  sendResource(request, 200, bucketResource(ctx.store.getBucket(request.params.bucket ?? ''), ctx.baseUrl));
}

/** What gcloud asks before an operation whose form depends on the bucket (hierarchical namespace or flat). */
export async function getStorageLayout(ctx: TwinContext, request: TwinRequest): Promise<void> {
  const record = ctx.store.getBucket(request.params.bucket ?? '');
  sendResource(request, 200, {
    kind: 'storage#storageLayout',
    bucket: record.name,
    location: record.location,
    locationType: 'multi-region',
    hierarchicalNamespace: { enabled: false },
  });
}

export async function listBuckets(ctx: TwinContext, request: TwinRequest): Promise<void> {
  sendResource(request, 200, { kind: 'storage#buckets', items: ctx.store.listBuckets().map((b) => bucketResource(b, ctx.baseUrl)) });
}

function bucketResource(record: BucketRecord, baseUrl: string): Record<string, unknown> {
  return {
    kind: 'storage#bucket',
    id: record.name,
    selfLink: `${baseUrl}/storage/v1/b/${record.name}`,
    projectNumber: '0',
    name: record.name,
    timeCreated: record.timeCreated,
    updated: record.timeCreated,
    metageneration: '1',
    location: record.location,
    locationType: 'multi-region',
    storageClass: record.storageClass,
    // Uniform bucket-level access: no object ACLs, which is why projection=full adds none.
    iamConfiguration: { uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: 'enforced' },
    versioning: { enabled: false },
    etag: 'CAE=',
  };
}
