import { z } from 'zod';
import type { ManifestEntry } from '../domain/manifest';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ModelVersionView } from './api';
import { ModelType, Slug, Tag, queryInteger } from './common';
import type { Family } from './family';
import type { ModelVersion } from './model-version';

/** Query strings arrive as strings (or arrays when repeated); a repeated parameter is an error. */
const single = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? { __repeated: v } : v), schema);

/** `POST /api/families` */
export const CreateFamilyRequest = z.strictObject({
  id: Slug,
  name: z.string().trim().min(1).max(120).optional(),
  modelType: ModelType,
  description: z.string().max(2000).optional(),
  tags: z.array(Tag).max(32).optional(),
});
export type CreateFamilyRequest = z.output<typeof CreateFamilyRequest>;

/** `GET /api/families`: ordered by id. */
export const ListFamiliesQuery = z.strictObject({
  page_size: queryInteger(1, MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: single(z.string().min(1).max(1000)).optional(),
});
export type ListFamiliesQuery = z.output<typeof ListFamiliesQuery>;

/**
 * Explicit version labels (`gemma-sft-final`, `2025.12-rc1`). `v<n>` and bare numbers are the
 * automatic labels and name version n in references (`family@v3`), so a caller cannot give them.
 */
export const VersionLabel = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .refine((label) => !/^[vV]?[0-9]+$/.test(label), 'v<n> labels are given automatically; leave label out or choose another name');

const RUN_ID = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a training run id');
const GCS_PREFIX = z.string().max(1100).regex(/^gs:\/\/[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]\/.+$/, 'must be gs://<bucket>/<directory>');

/** `POST /api/families/{familyId}/versions:promote`: exactly one source. */
export const PromoteRequest = z
  .strictObject({ trainingRunId: RUN_ID.optional(), gcsPrefix: GCS_PREFIX.optional(), label: VersionLabel.optional() })
  .superRefine((body, ctx) => {
    if ((body.trainingRunId === undefined) === (body.gcsPrefix === undefined)) {
      for (const path of ['trainingRunId', 'gcsPrefix']) {
        ctx.addIssue({ code: 'custom', path: [path], message: 'give exactly one of trainingRunId or gcsPrefix' });
      }
    }
  });
export type PromoteRequest = z.output<typeof PromoteRequest>;

export interface ListFamiliesResponse {
  items: Family[];
  nextCursor: string | null;
  pageSize: number;
}

export interface FamilyDetail extends Family {
  versionCount: number;
  latest: ModelVersionView | null;
}

/** `GET /api/models/{id}/manifest`: the files of a version, for the dashboard's Artifacts tab. */
export interface VersionManifestResponse {
  versionId: string;
  familyId: string;
  manifestDigest: string;
  format: ModelVersion['artifacts']['format'];
  sizeBytes: number;
  fileCount: number;
  files: ManifestEntry[];
}
