import type { PushReader } from '../../../shared/artifact-ports';
import { decodeCursor, encodeCursor } from '../../../shared/domain/cursor';
import { NotFoundError } from '../../../shared/errors';
import type { PushRecord } from '../../../shared/schemas/push-record';

const CURSOR_SORT = 'recordedAt';

export interface PushPage {
  items: PushRecord[];
  nextCursor: string | null;
  pageSize: number;
}

/**
 * The pushes bucket's outcomes (`GET /api/pushes`): a pipeline, the CLI or an engineer sees whether
 * a push became a version or why it was refused, instead of guessing from an empty list.
 */
export class PushHistory {
  constructor(private readonly pushes: PushReader) {}

  async get(id: string): Promise<PushRecord> {
    const push = await this.pushes.get(id);
    if (!push) throw new NotFoundError('Push', id);
    return push;
  }

  async list(pageSize: number, cursor?: string): Promise<PushPage> {
    const after = cursor ? decodeCursor(cursor, CURSOR_SORT) : null;
    const rows = await this.pushes.recent(after ? { recordedAt: String(after.value), id: after.id } : null, pageSize + 1);
    const items = rows.slice(0, pageSize);
    const last = items.at(-1);
    const nextCursor = rows.length > pageSize && last ? encodeCursor({ sort: CURSOR_SORT, value: last.recordedAt, id: last.id }) : null;
    return { items, nextCursor, pageSize };
  }
}
