import { parseOrThrow } from '../../../../shared/validation';
import { EmptyQuery, VersionIdParam } from '../../../../shared/schemas/api';
import { SignatureBundleSchema, SigningKeysResponseSchema } from '../../../../shared/schemas/responses';
import { DomainError } from '../../../../shared/errors';
import type { SigningKeyRecord } from '../../../../shared/signing-ports';
import type { VersionSigning } from '../../app/version-signing';
import type { Route } from '../route';

export type SignatureReader = Pick<VersionSigning, 'bundleOf' | 'keys'>;

/** Where signing is not configured: no version has a bundle, and no key has signed. */
const UNCONFIGURED: SignatureReader = {
  bundleOf: async (id) => {
    throw new DomainError('NOT_FOUND', `Version '${id}' is not signed: signing is not configured`, { versionId: id });
  },
  keys: async () => [],
};

/**
 * `GET /api/models/{id}/signature` (the bundle, as in the ZIP's model.sig), `GET /api/signing-key`
 * (the PEM public keys of every key version that signed: rotation keeps old versions verifiable)
 * and `GET /api/signing-keys` (the same, with key version names and hints, as JSON).
 */
export function signatureRoutes(reader: SignatureReader | null): Route[] {
  const signatures = reader ?? UNCONFIGURED;
  const keys = async (): Promise<SigningKeyRecord[]> => signatures.keys();
  return [
    {
      method: 'GET', path: '/api/models/:id/signature', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'getSignature', summary: "The version's model-signing bundle (Sigstore bundle v0.3, DSSE, signed with Cloud KMS)",
        query: EmptyQuery, responses: { 200: { description: 'The bundle, byte for byte the model.sig of the ZIP', schema: SignatureBundleSchema } }, errors: ['NOT_FOUND', 'INTEGRITY_FAILED'],
      },
      async handle({ params, query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const { json } = await signatures.bundleOf(parseOrThrow(VersionIdParam, params.id, 'params.id'));
        return { body: json, headers: { 'Cache-Control': 'private, max-age=3600' } };
      },
    },
    {
      method: 'GET', path: '/api/signing-key', role: 'viewer',
      doc: {
        operationId: 'getSigningKey', summary: 'The PEM public keys that verify version signatures (every key version that signed, oldest first)',
        query: EmptyQuery, responses: { 200: { description: 'Concatenated PEM public keys', contentType: 'application/x-pem-file' } },
      },
      async handle({ query, res }) {
        parseOrThrow(EmptyQuery, query, 'query');
        const pems = (await keys()).map((k) => k.pem).join('');
        res.status(200).setHeader('Content-Type', 'application/x-pem-file');
        res.setHeader('Cache-Control', 'private, max-age=300');
        res.end(pems);
        return null;
      },
    },
    {
      method: 'GET', path: '/api/signing-keys', role: 'viewer', coalesce: 'any-caller',
      doc: {
        operationId: 'listSigningKeys', summary: 'The key versions that signed, with their hints and PEM public keys',
        query: EmptyQuery, responses: { 200: { description: 'The keys, oldest first', schema: SigningKeysResponseSchema } },
      },
      async handle({ query }) {
        parseOrThrow(EmptyQuery, query, 'query');
        return { body: { keys: await keys() } };
      },
    },
  ];
}
