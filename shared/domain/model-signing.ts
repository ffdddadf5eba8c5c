import { createHash } from 'node:crypto';
import type { ModelVersion } from '../schemas/model-version';
import { sortManifest, type ManifestEntry } from './manifest';

/**
 * OpenSSF model-signing v1.0 (github.com/sigstore/model-transparency): an in-toto Statement v1
 * whose predicate lists every file with its SHA-256 (`resources`, sorted by name) and whose one
 * subject is the model with the root digest, SHA-256 over the raw bytes of those digests in order.
 *
 * The registry's lineage of the version rides in the same predicate (`lineage`), so one signature
 * covers files and lineage; v1.0 verifiers ignore predicate fields other than `serialization` and
 * `resources`, so the bundle still verifies with `model_signing verify key`.
 */
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const MODEL_SIGNING_PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
export const LINEAGE_SCHEMA = 'model-registry.lineage/1';

export interface SignedResource {
  name: string;
  algorithm: 'sha256';
  digest: string;
}

/** What the registry knew of a version when it was registered: enough to trace it to its run and inputs. */
export interface SignedLineage {
  schema: string;
  versionId: string;
  familyId: string;
  version: number;
  trainingRunId: string | null;
  experimentId: string | null;
  sourceUri: string;
  registeredAt: string;
  manifestDigest: string;
  /** `sha256:<hex>` over the canonical JSON of each input as recorded on the run; null when unknown. */
  datasetDigest: string | null;
  configDigest: string | null;
  metrics: Record<string, number>;
  blessed: boolean | null;
}

export interface ModelSigningStatement {
  _type: string;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: string;
  predicate: {
    serialization: { method: 'files'; hash_type: 'sha256'; allow_symlinks: false };
    resources: SignedResource[];
    lineage: SignedLineage;
  };
}

const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Keys sorted at every level, no whitespace: the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 over the concatenated raw digests of the resources, in their (sorted) order. */
export function rootDigest(resources: readonly SignedResource[]): string {
  const hash = createHash('sha256');
  for (const resource of resources) hash.update(Buffer.from(resource.digest, 'hex'));
  return hash.digest('hex');
}

export function lineageOf(version: ModelVersion, manifestDigest: string): SignedLineage {
  const { dataset, featureConfig, modelConfig, trainingParams } = version.config;
  const digestOf = (value: unknown) => `sha256:${sha256Hex(canonicalJson(value))}`;
  const hasConfig = featureConfig || modelConfig || Object.keys(trainingParams).length > 0;
  return {
    schema: LINEAGE_SCHEMA,
    versionId: version.id,
    familyId: version.familyId,
    version: version.version,
    trainingRunId: version.trainingRunId,
    experimentId: version.experimentId,
    sourceUri: version.artifacts.modelUri,
    registeredAt: version.registeredAt,
    manifestDigest,
    datasetDigest: dataset ? digestOf(dataset) : null,
    configDigest: hasConfig ? digestOf({ featureConfig, modelConfig, trainingParams }) : null,
    metrics: Object.fromEntries(Object.entries(version.metrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    blessed: version.blessed,
  };
}

/** The statement signed for a version: its files (from the manifest) and its lineage. */
export function modelSigningStatement(version: ModelVersion, manifestDigest: string, entries: readonly ManifestEntry[]): ModelSigningStatement {
  const resources = sortManifest(entries).map((e): SignedResource => ({ name: e.path, algorithm: 'sha256', digest: e.sha256 }));
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: version.id, digest: { sha256: rootDigest(resources) } }],
    predicateType: MODEL_SIGNING_PREDICATE_TYPE,
    predicate: {
      serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false },
      resources,
      lineage: lineageOf(version, manifestDigest),
    },
  };
}

/** The DSSE payload: the statement's canonical JSON, UTF-8. */
export function statementPayload(statement: ModelSigningStatement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

/**
 * Reads a signed payload back as a model-signing v1.0 statement, checking its shape and that the
 * subject's root digest is the digest of its resources. Answers the problems found (none: valid).
 */
export function readStatement(payload: Uint8Array): { statement: ModelSigningStatement | null; problems: string[] } {
  let parsed: ModelSigningStatement;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as ModelSigningStatement;
  } catch {
    return { statement: null, problems: ['the signed payload is not JSON'] };
  }
  const problems: string[] = [];
  if (parsed?._type !== IN_TOTO_STATEMENT_TYPE) problems.push(`statement _type is ${JSON.stringify(parsed?._type)}, expected ${IN_TOTO_STATEMENT_TYPE}`);
  if (parsed?.predicateType !== MODEL_SIGNING_PREDICATE_TYPE) problems.push(`predicateType is ${JSON.stringify(parsed?.predicateType)}, expected ${MODEL_SIGNING_PREDICATE_TYPE}`);
  const resources = parsed?.predicate?.resources;
  if (!Array.isArray(resources) || resources.some((r) => typeof r?.name !== 'string' || r.algorithm !== 'sha256' || !/^[0-9a-f]{64}$/.test(String(r.digest)))) {
    problems.push('predicate.resources is not a list of {name, algorithm: sha256, digest}');
    return { statement: null, problems };
  }
  const names = resources.map((r) => r.name);
  if (names.some((name, i) => i > 0 && !(names[i - 1]! < name))) problems.push('predicate.resources are not sorted by name without duplicates');
  if (!Array.isArray(parsed.subject) || parsed.subject.length !== 1) problems.push('the statement must have exactly one subject');
  else if (parsed.subject[0]?.digest?.sha256 !== rootDigest(resources)) problems.push('the subject digest is not the root digest of the resources');
  return { statement: problems.length ? null : parsed, problems };
}

/** One file as found in an archive or a directory. */
export interface FoundFile {
  name: string;
  sha256: string;
}

/** Every signed resource is there with its digest, and there is no other file. */
export function compareWithStatement(statement: ModelSigningStatement, files: readonly FoundFile[]): string[] {
  const problems: string[] = [];
  const found = new Map(files.map((f) => [f.name, f.sha256]));
  for (const resource of statement.predicate.resources) {
    const actual = found.get(resource.name);
    if (actual === undefined) problems.push(`${resource.name}: signed but missing`);
    else if (actual !== resource.digest) problems.push(`${resource.name}: SHA-256 ${actual}, signed as ${resource.digest}`);
  }
  const signed = new Set(statement.predicate.resources.map((r) => r.name));
  for (const file of files) if (!signed.has(file.name)) problems.push(`${file.name}: present but not signed`);
  return problems;
}
