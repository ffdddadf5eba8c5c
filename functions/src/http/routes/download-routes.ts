import { pipeline } from 'node:stream/promises';
import { DomainError } from '../../../../shared/errors';
import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, VersionIdParam } from '../../../../shared/schemas/api';
import { VersionManifestResponseSchema } from '../../../../shared/schemas/responses';
import type { VersionArchives } from '../../app/version-archive';
import type { Route } from '../route';

/** `GET /api/models/{id}/download` (ZIP) and `GET /api/models/{id}/manifest` (its files, as JSON). */
export function downloadRoutes(archives: VersionArchives): Route[] {
  const id = (params: Record<string, string>) => parseOrThrow(VersionIdParam, params.id, 'params.id');
  return [
    {
      method: 'GET', path: '/api/models/:id/download', role: 'viewer',
      doc: {
        operationId: 'downloadModel', summary: 'The version as a ZIP: manifest.json, model.sig (the signature bundle, once signed) and the model files under model/, each checked against its SHA-256',
        query: EmptyQuery, responses: { 200: { description: 'The ZIP, streamed', contentType: 'application/zip' }  }, errors: ['NOT_FOUND', 'INTEGRITY_FAILED'],
      },
      async handle({ params, query, res }) {
        parseOrThrow(EmptyQuery, query, 'query');
        // Errors up to here (unknown version, bad manifest) are still JSON answers.
        const archive = await archives.open(id(params));
        res.status(200);
        res.setHeader('Content-Type', 'application/zip');
        res.setHeader('Content-Disposition', `attachment; filename="${archive.fileName}"`);
        res.setHeader('Access-Control-Expose-Headers', 'Content-Disposition');
        res.setHeader('Cache-Control', 'no-store');
        // No Content-Length: chunked streaming (Cloud Run caps non-streamed responses at 32 MiB), and
        // a response cut short then never ends with the terminating chunk, so clients see the failure.
        res.flushHeaders();
        try {
          await pipeline(archive.stream, res);
        } catch (error) {
          // The front door logs it and destroys the response (headers are sent).
          if (error instanceof DomainError) throw error;
          if ((error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') return null; // the client went away
          throw error;
        }
        return null;
      },
    },
    {
      method: 'GET', path: '/api/models/:id/manifest', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getManifest', summary: "The version's files with sizes and SHA-256 digests",
        query: EmptyQuery, responses: { 200: { description: 'The manifest', schema: VersionManifestResponseSchema }  }, errors: ['NOT_FOUND'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: await archives.manifest(id(params)) };
      },
    },
  ];
}
