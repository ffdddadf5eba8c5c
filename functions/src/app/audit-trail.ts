import { checkpointDigest } from '../../../shared/domain/audit-chain';
import { decodeCursor, encodeCursor } from '../../../shared/domain/cursor';
import { keyHint, normalizePem } from '../../../shared/domain/signature-bundle';
import type { AuditLogStore } from '../../../shared/audit-ports';
import type { Clock } from '../../../shared/ports';
import type { AuditCheckpointsResponse, AuditPage, AuditQuery } from '../../../shared/schemas/audit';
import type { DigestSigner, SignatureStore } from '../../../shared/signing-ports';
import type { Logger } from '../log';

/** The cursor names the order it pages, so that an `asc` cursor is refused on a `desc` list. */
const cursorSort = (order: 'asc' | 'desc') => `audit-seq-${order}`;

/** `GET /api/audit` and its checkpoints: the records the registry's transactions appended. */
export class AuditTrail {
  constructor(private readonly store: AuditLogStore) {}

  async list(query: AuditQuery): Promise<AuditPage> {
    const after = query.cursor ? decodeCursor(query.cursor, cursorSort(query.order)) : null;
    const filter = {
      ...(query.family !== undefined && { familyId: query.family }),
      ...(query.actor !== undefined && { actor: query.actor }),
      ...(query.kind !== undefined && { kind: query.kind }),
    };
    const rows = await this.store.list(filter, query.order, after ? Number(after.value) : null, query.page_size + 1);
    const items = rows.slice(0, query.page_size);
    const last = items.at(-1);
    const nextCursor = rows.length > query.page_size && last ? encodeCursor({ sort: cursorSort(query.order), value: last.seq, id: String(last.seq) }) : null;
    return { items, nextCursor, pageSize: query.page_size };
  }

  async checkpoints(): Promise<AuditCheckpointsResponse> {
    const [head, checkpoints] = await Promise.all([this.store.head(), this.store.checkpoints()]);
    return { head, checkpoints };
  }
}

export interface CheckpointReport {
  checkpointed: boolean;
  seq: number | null;
}

/**
 * The minute job's part: signs the chain head with the same KMS key as version signatures when
 * it moved since the last checkpoint. A record removed or edited before a checkpoint is then
 * provable even if whoever did it rewrote every hash after it.
 */
export class AuditCheckpointer {
  constructor(private readonly deps: {
    store: AuditLogStore;
    signer: DigestSigner;
    /** Keeps the key version's PEM for GET /api/signing-key (rotation keeps old checkpoints verifiable). */
    keys: Pick<SignatureStore, 'rememberKey'>;
    clock: Clock;
    log: Logger;
  }) {}

  async checkpoint(): Promise<CheckpointReport> {
    const [head, latest] = await Promise.all([this.deps.store.head(), this.deps.store.latestCheckpoint()]);
    if (!head || (latest && latest.seq >= head.seq)) return { checkpointed: false, seq: latest?.seq ?? null };
    const at = this.deps.clock.now().toISOString();
    const { signature, keyVersion } = await this.deps.signer.signSha256(checkpointDigest(head.seq, head.hash, at));
    const pem = normalizePem(await this.deps.signer.publicKey(keyVersion));
    const hint = keyHint(pem);
    await this.deps.keys.rememberKey({ keyVersion, hint, pem, firstSignedAt: at });
    await this.deps.store.saveCheckpoint({ seq: head.seq, hash: head.hash, at, keyVersion, keyHint: hint, signature: signature.toString('base64') });
    this.deps.log.info('audit chain checkpointed', { seq: head.seq, keyVersion });
    return { checkpointed: true, seq: head.seq };
  }
}
