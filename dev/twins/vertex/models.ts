import type { TwinContext } from './context';
import { alreadyExists, failedPrecondition, fieldErrors, invalidArgument, notFound, required } from './errors';
import { checkLabels } from './labels';
import { applyFilter, applyOrder, paginate, type FieldReader } from './listing';
import { locationName } from './names';
import type { ModelRecord } from './state';
import { timestamp, timestampMs } from './time';
import type {
  DeleteModelRequest, DeleteModelVersionRequest, GetModelRequest, ListModelVersionsRequest, ListModelsRequest,
  MergeVersionAliasesRequest, Model, ServiceHandlers, UploadModelRequest,
} from './types';

const V1 = 'google.cloud.aiplatform.v1';
const DEFAULT_ALIAS = 'default';
// Vertex's alias format: it cannot look like a version id.
const ALIAS = /^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$/;
const MODEL_ID = /^[a-z_][a-z0-9_-]{0,62}$/;

export const modelNotFound = () => notFound('The Model does not exist.');

/** Finds models and versions by resource name, `name@versionId` or `name@alias`; shared with the endpoint service. */
export class ModelRegistry {
  constructor(private readonly ctx: TwinContext) {}

  record(name: string | null | undefined, field = 'name'): { record: ModelRecord; version?: string } {
    const parsed = this.ctx.names.resource(name, 'models', field);
    const record = this.ctx.state.models.get(parsed.name);
    if (!record) throw modelNotFound();
    return { record, ...(parsed.version ? { version: parsed.version } : {}) };
  }

  /** The version a name designates: its default version when it has no `@`. */
  version(name: string | null | undefined, field = 'name'): { record: ModelRecord; version: Model } {
    const { record, version } = this.record(name, field);
    return { record, version: findVersion(record, version ?? DEFAULT_ALIAS) };
  }
}

function findVersion(record: ModelRecord, ref: string): Model {
  const isId = /^\d+$/.test(ref);
  const version = record.versions.find((v) => (isId ? v.versionId === ref : v.versionAliases?.includes(ref)));
  if (!version) throw notFound(`Model version ${ref} of ${record.name} does not exist.`);
  return version;
}

function checkAliases(aliases: string[], field: string): void {
  const bad = aliases.filter((alias) => !ALIAS.test(alias));
  if (bad.length) {
    throw fieldErrors([{ field, description: `Version aliases must match [a-z][a-zA-Z0-9-]{0,126}[a-z0-9]: ${bad.join(', ')}.` }]);
  }
}

/** Gives `aliases` to `target`, taking them from the model's other versions (an alias names one version). */
function moveAliases(record: ModelRecord, target: Model, aliases: string[]): void {
  for (const other of record.versions) {
    if (other !== target) other.versionAliases = (other.versionAliases ?? []).filter((a) => !aliases.includes(a));
  }
  target.versionAliases = [...new Set([...(target.versionAliases ?? []), ...aliases])];
}

const readModel: FieldReader<Model> = (model, field) => {
  if (field.startsWith('labels.')) return model.labels?.[field.slice('labels.'.length)];
  switch (field) {
    case 'display_name': return model.displayName ?? '';
    case 'version_id': return model.versionId ?? '';
    case 'create_time': return timestampMs(model.createTime);
    case 'update_time': return timestampMs(model.updateTime);
    case 'version_create_time': return timestampMs(model.versionCreateTime);
    default: throw invalidArgument(`Unsupported field in filter or order_by: ${field}`);
  }
};
const SORTABLE = ['display_name', 'create_time', 'update_time', 'version_id', 'version_create_time'];

const copy = <T>(value: T): T => structuredClone(value);

export function modelService(ctx: TwinContext, registry: ModelRegistry): ServiceHandlers {
  const { state, names, operations } = ctx;

  return {
    UploadModel: (request: UploadModelRequest) => {
      const loc = names.location(request.parent);
      const model = required(request.model, 'model');
      const violations = [];
      if (!model.displayName) violations.push({ field: 'model.display_name', description: 'Required field is not set.' });
      if (!model.artifactUri) violations.push({ field: 'model.artifact_uri', description: 'Required field is not set.' });
      if (violations.length) throw fieldErrors(violations);
      checkLabels(model.labels, 'model.labels');
      checkAliases(model.versionAliases ?? [], 'model.version_aliases');

      let name: string;
      if (request.parentModel) {
        name = registry.record(request.parentModel, 'parent_model').record.name;
        if (!name.startsWith(`${locationName(loc)}/`)) throw invalidArgument('parent_model must be in the location of parent.');
      } else {
        if (request.modelId && !MODEL_ID.test(request.modelId)) {
          throw fieldErrors([{ field: 'model_id', description: 'Model id may be up to 63 characters of [a-z0-9_-] and cannot start with a number or hyphen.' }]);
        }
        name = `${locationName(loc)}/models/${request.modelId || state.ids.take()}`;
        if (state.models.has(name)) throw alreadyExists(`Model ${name} already exists.`);
      }

      return operations.start(name, { metadata: `${V1}.UploadModelOperationMetadata`, response: `${V1}.UploadModelResponse` }, () => {
        let record = state.models.get(name);
        if (request.parentModel && !record) throw modelNotFound();
        if (!request.parentModel && record) throw alreadyExists(`Model ${name} already exists.`);
        const now = timestamp();
        if (!record) {
          record = { name, versions: [], nextVersionId: 1 };
          state.models.set(name, record);
        }
        const version: Model = {
          ...copy(model),
          name,
          versionId: String(record.nextVersionId++),
          versionAliases: [],
          createTime: record.versions[0]?.createTime ?? now,
          updateTime: now,
          versionCreateTime: now,
          versionUpdateTime: now,
          deployedModels: [],
        };
        record.versions.push(version);
        // Vertex gives the first version the `default` alias; later ones only the aliases they ask for.
        const aliases = model.versionAliases ?? [];
        moveAliases(record, version, record.versions.length === 1 && !aliases.includes(DEFAULT_ALIAS) ? [DEFAULT_ALIAS, ...aliases] : aliases);
        state.changed();
        return { model: name, modelVersionId: version.versionId };
      });
    },

    GetModel: (request: GetModelRequest) => copy(registry.version(request.name).version),

    ListModels: (request: ListModelsRequest) => {
      const prefix = `${locationName(names.location(request.parent))}/models/`;
      const defaults = [...state.models.values()].filter((r) => r.name.startsWith(prefix)).map((r) => findVersion(r, DEFAULT_ALIAS));
      const listed = applyOrder(applyFilter(defaults, request.filter, readModel), request.orderBy, readModel, SORTABLE);
      const { page, nextPageToken } = paginate(listed, request.pageSize, request.pageToken);
      return { models: copy(page), nextPageToken };
    },

    ListModelVersions: (request: ListModelVersionsRequest) => {
      const { record } = registry.record(request.name);
      const listed = applyOrder(applyFilter(record.versions, request.filter, readModel), request.orderBy, readModel, SORTABLE);
      const { page, nextPageToken } = paginate(listed, request.pageSize, request.pageToken);
      return { models: copy(page), nextPageToken };
    },

    MergeVersionAliases: (request: MergeVersionAliasesRequest) => {
      const { record, version: ref } = registry.record(request.name);
      if (!ref) throw invalidArgument('The model name must include a version: projects/{project}/locations/{location}/models/{model}@{version}.');
      const target = findVersion(record, ref);
      const changes = request.versionAliases ?? [];
      if (!changes.length) throw fieldErrors([{ field: 'version_aliases', description: 'Required field is not set.' }]);
      const added = changes.filter((a) => !a.startsWith('-'));
      const removed = changes.filter((a) => a.startsWith('-')).map((a) => a.slice(1));
      checkAliases([...added, ...removed], 'version_aliases');
      if (added.some((a) => removed.includes(a))) throw invalidArgument('An alias cannot be both added and removed in one request.');
      if (removed.includes(DEFAULT_ALIAS)) throw invalidArgument('The default alias cannot be removed: add it to another version instead.');
      moveAliases(record, target, added);
      target.versionAliases = (target.versionAliases ?? []).filter((a) => !removed.includes(a));
      target.versionUpdateTime = target.updateTime = timestamp();
      state.changed();
      return copy(target);
    },

    DeleteModel: (request: DeleteModelRequest) => {
      const { record, version } = registry.record(request.name);
      if (version) throw invalidArgument('DeleteModel takes a model name without a version: use DeleteModelVersion.');
      if (record.versions.some((v) => v.deployedModels?.length)) {
        throw failedPrecondition(`The Model ${record.name} has deployed versions: undeploy them before deleting it.`);
      }
      return operations.start(record.name, { metadata: `${V1}.DeleteOperationMetadata`, response: 'google.protobuf.Empty' }, () => {
        if (!state.models.delete(record.name)) throw modelNotFound();
        state.changed();
        return {};
      });
    },

    DeleteModelVersion: (request: DeleteModelVersionRequest) => {
      const { record, version: ref } = registry.record(request.name);
      if (!ref) throw invalidArgument('The model name must include a version: projects/{project}/locations/{location}/models/{model}@{version}.');
      const target = findVersion(record, ref);
      if (target.versionAliases?.includes(DEFAULT_ALIAS)) {
        throw failedPrecondition('The default version of a model cannot be deleted: move the default alias first, or delete the model.');
      }
      if (target.deployedModels?.length) throw failedPrecondition(`Model version ${target.versionId} is deployed: undeploy it first.`);
      return operations.start(record.name, { metadata: `${V1}.DeleteOperationMetadata`, response: 'google.protobuf.Empty' }, () => {
        const index = record.versions.indexOf(target);
        if (index < 0 || !state.models.has(record.name)) throw modelNotFound();
        record.versions.splice(index, 1);
        state.changed();
        return {};
      });
    },
  };
}
