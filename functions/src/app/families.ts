import type { FamilyStore } from '../../../shared/artifact-ports';
import { decodeCursor, encodeCursor } from '../../../shared/domain/cursor';
import { toVersionView } from '../../../shared/domain/version-view';
import { NotFoundError } from '../../../shared/errors';
import type { Clock, VersionReader } from '../../../shared/ports';
import type { CreateFamilyRequest, FamilyDetail, ListFamiliesResponse } from '../../../shared/schemas/artifact-api';
import { Family } from '../../../shared/schemas/family';

const CURSOR_SORT = 'id';

/**
 * Families (seed 003's "model artifacts"): created empty by an editor, then filled by promotion or
 * by registration (which also creates a family it does not know yet).
 */
export class FamilyService {
  constructor(private readonly deps: { store: FamilyStore; versions: Pick<VersionReader, 'familyHistory'>; clock: Clock }) {}

  async create(request: CreateFamilyRequest): Promise<Family> {
    const now = this.deps.clock.now().toISOString();
    const family = Family.parse({
      id: request.id, name: request.name ?? request.id, modelType: request.modelType,
      description: request.description, tags: request.tags, latestVersion: 0, createdAt: now, updatedAt: now,
    });
    await this.deps.store.create(family);
    return family;
  }

  async list(pageSize: number, cursor?: string): Promise<ListFamiliesResponse> {
    const after = cursor ? decodeCursor(cursor, CURSOR_SORT).id : null;
    // One more than the page tells whether another page exists.
    const rows = await this.deps.store.list(after, pageSize + 1);
    const items = rows.slice(0, pageSize);
    const last = items.at(-1);
    const nextCursor = rows.length > pageSize && last ? encodeCursor({ sort: CURSOR_SORT, value: last.id, id: last.id }) : null;
    return { items, nextCursor, pageSize };
  }

  async get(id: string): Promise<FamilyDetail> {
    const [family, versionCount, latest] = await Promise.all([
      this.deps.store.get(id),
      this.deps.store.countVersions(id),
      this.deps.versions.familyHistory(id, 1),
    ]);
    if (!family) throw new NotFoundError('Family', id);
    return { ...family, versionCount, latest: latest[0] ? toVersionView(latest[0]) : null };
  }
}
