import { verifyAuditChain, type AuditVerification } from '../shared/domain/audit-chain';
import type { AuditCheckpoint, AuditRecord } from '../shared/schemas/audit';
import { call, type Session } from './session';
import { pemBlocks } from './signature-check';

const PAGE = 100;

/**
 * Reads the whole audit chain through the API (oldest first, page by page), its checkpoints and
 * the signing keys (or the keys given), and verifies it offline: an edited or removed record, a
 * broken link, a checkpoint that does not verify or no longer matches.
 */
export async function checkAuditTrail(session: Session, trustedPems: string[] | null): Promise<AuditVerification> {
  const records: AuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(session.client.GET('/api/audit', { params: { query: { order: 'asc', page_size: PAGE, ...(cursor && { cursor }) } } }));
    records.push(...(page.items as AuditRecord[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const { head, checkpoints } = await call(session.client.GET('/api/audit/checkpoints'));
  const pems = trustedPems ?? pemBlocks(await call(session.client.GET('/api/signing-key', { parseAs: 'text' })) as unknown as string);
  return verifyAuditChain({ records, checkpoints: checkpoints as AuditCheckpoint[], publicKeyPems: pems, storedHead: head });
}
