import { DomainError, NotFoundError, ValidationError } from '../../../shared/errors';
import type { SignatureFact } from '../../../shared/domain/promotion-policy';
import type { PolicyStore } from '../../../shared/policy-ports';
import { versionId as versionIdOf } from '../../../shared/domain/display-name';
import { aliasMovedData, aliasSubject, type EventFactory } from '../../../shared/domain/registry-events';
import { LATEST_ALIAS, aliasNameProblem, parseVersionRef } from '../../../shared/domain/version-ref';
import type { Clock } from '../../../shared/ports';
import type { AliasChange, AliasMirror, AliasStore, EventFlusher } from '../../../shared/registry-ports';
import type { AliasHistoryEntry, AliasMoveRequest, AliasRecord } from '../../../shared/schemas/deployment';
import type { Logger } from '../log';

export const ALIAS_HISTORY_LIMIT = 100;

export interface AliasDeps {
  store: AliasStore;
  mirror: AliasMirror;
  events: EventFactory;
  flusher: EventFlusher;
  clock: Clock;
  log: Logger;
  /** Verifies a version's signature bundle for protected aliases (null: signing not configured). */
  signatures?: SignatureChecker | null;
  /** Read before a move so that only protected aliases that require a signature pay for verifying one. */
  policies?: Pick<PolicyStore, 'get'> | null;
}

export interface SignatureChecker {
  /** Never throws: what could not be verified is the fact's problem. */
  check(versionId: string): Promise<SignatureFact>;
}

export class PolicyRefusedError extends DomainError {
  constructor(familyId: string, alias: string, versionId: string | null, failures: { rule: string; message: string }[]) {
    super('POLICY_FAILED', `The policy of '${familyId}' refuses ${versionId ? `moving ${alias} to ${versionId}` : `removing ${alias}`}: ${failures.map((f) => f.rule).join(', ')}`, {
      familyId, alias, versionId, failedRules: failures,
    });
  }
}

export interface AliasResult {
  changed: boolean;
  alias: AliasRecord | null;
  previousVersion: number | null;
}

/**
 * Family aliases (`prod`, `staging`, …, and `latest`, which the registry keeps on the newest
 * version). A move is one Firestore transaction (alias, both versions' `aliases`, history, event);
 * with `expectedVersion`, a caller who read a stale alias gets VERSION_MISMATCH instead of silently
 * overwriting another promoter's move. The move is then mirrored to Vertex AI's version aliases;
 * a failed mirror is recorded on the alias, never undoes the move.
 */
export class AliasService {
  constructor(private readonly deps: AliasDeps) {}

  /**
   * A protected alias (the family's promotion policy) moves only when its rules pass, evaluated in
   * the move's transaction; the signature bundle is verified just before (crypto and storage reads
   * stay out of the transaction) and the transaction checks the version still records that bundle.
   */
  async move(familyId: string, alias: string, request: AliasMoveRequest, actor: string): Promise<AliasResult> {
    this.checkName(alias);
    const versionId = versionIdOf(familyId, request.version);
    const signature = this.deps.signatures && (await this.requiresSignature(familyId, alias)) ? await this.deps.signatures.check(versionId) : null;
    return this.apply({
      familyId, alias, versionId, expectedVersion: request.expectedVersion, actor, onlyForward: false,
      reason: request.reason ?? null, audited: true, signature,
    });
  }

  async remove(familyId: string, alias: string, expectedVersion: number | undefined, actor: string, reason: string | null = null): Promise<AliasResult> {
    this.checkName(alias);
    return this.apply({ familyId, alias, versionId: null, expectedVersion, actor, onlyForward: false, reason, audited: true, signature: null });
  }

  /**
   * Points `latest` at this version unless it already names a newer one (registrations may finish
   * out of order). Called by registration once a version is committed; safe to call again.
   */
  advanceLatest(familyId: string, versionId: string): Promise<AliasResult> {
    return this.apply({ familyId, alias: LATEST_ALIAS, versionId, expectedVersion: undefined, actor: 'system', onlyForward: true, reason: null, audited: false, signature: null });
  }

  list(familyId: string): Promise<AliasRecord[]> {
    return this.deps.store.list(familyId);
  }

  history(familyId: string): Promise<AliasHistoryEntry[]> {
    return this.deps.store.history(familyId, ALIAS_HISTORY_LIMIT);
  }

  /**
   * Mirrors an alias change to Vertex AI and records how that went on the alias (also used by
   * delete, which moves `latest`). Returns the recorded mirror state, null for a removal.
   */
  async mirrorChange(change: Omit<AliasChange, 'eventId'>): Promise<AliasRecord['vertex'] | null> {
    const { store, mirror, clock, log } = this.deps;
    let vertex: AliasRecord['vertex'];
    try {
      if (change.to?.vertex) await mirror.assign(change.to.vertex, change.alias);
      else if (change.from?.vertex) await mirror.remove(change.from.vertex, change.alias);
      if (!change.to) return null;
      vertex = { state: change.to.vertex ? 'mirrored' : 'skipped', error: null, updatedAt: clock.now().toISOString() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn('alias: mirroring to Vertex AI failed', { familyId: change.familyId, alias: change.alias, error: message });
      if (!change.to) return null;
      vertex = { state: 'failed', error: message, updatedAt: clock.now().toISOString() };
    }
    if (change.to.vertex) {
      await store.recordMirror(change.familyId, change.alias, change.to.versionId, vertex)
        .catch((error) => log.error('alias: could not record the Vertex AI mirror state', { familyId: change.familyId, alias: change.alias, error }));
    }
    return vertex;
  }

  /** Without a policy store, every move is checked (the transaction decides whether it matters). */
  private async requiresSignature(familyId: string, alias: string): Promise<boolean> {
    if (!this.deps.policies) return true;
    const rule = (await this.deps.policies.get(familyId)).protectedAliases[alias];
    return rule?.requireSignature ?? false;
  }

  private checkName(alias: string): void {
    const problem = aliasNameProblem(alias);
    if (problem) throw new ValidationError([{ path: 'params.alias', message: problem }]);
  }

  private async apply(p: {
    familyId: string; alias: string; versionId: string | null; expectedVersion: number | null | undefined; actor: string; onlyForward: boolean;
    reason: string | null; audited: boolean; signature: SignatureFact | null;
  }): Promise<AliasResult> {
    const write = await this.deps.store.move({
      ...p,
      at: this.deps.clock.now(),
      event: (change) => this.deps.events('alias.moved', aliasSubject(change.familyId, change.alias), aliasMovedData(change, p.actor)),
    });
    if (!write.changed) {
      const { record, named } = write;
      if (write.refused) throw new PolicyRefusedError(p.familyId, p.alias, p.versionId, write.refused);
      // Called again for an alias whose Vertex mirror did not happen (the version was not mirrored
      // yet, or Vertex failed): mirror it now.
      if (record && named && record.vertex.state !== 'mirrored') {
        const vertex = await this.mirrorChange({
          alias: record.alias, familyId: record.familyId, from: null,
          to: { version: record.version, versionId: record.versionId, vertex: named },
        });
        return { changed: false, alias: vertex ? { ...record, vertex } : record, previousVersion: record.version };
      }
      return { changed: false, alias: record, previousVersion: record?.version ?? null };
    }
    const vertex = await this.mirrorChange(write.change);
    await this.deps.flusher.flush([write.change.eventId]);
    const record = write.record && vertex ? { ...write.record, vertex } : write.record;
    return { changed: true, alias: record, previousVersion: write.change.from?.version ?? null };
  }
}

/**
 * Resolves a version reference (`recs-prod-v3`, `recs-prod@v3`, `recs-prod@prod`, `recs-prod@latest`)
 * to a version id: plug it in wherever a route takes a version id.
 */
export type VersionRefResolver = (ref: string, path?: string) => Promise<string>;

export function createVersionRefResolver(store: Pick<AliasStore, 'resolve'>): VersionRefResolver {
  return async (ref, path = 'params.id') => {
    const parsed = parseVersionRef(ref);
    if (!parsed) {
      throw new ValidationError([{ path, message: 'is not a version reference (expected <family>-v<n>, <family>@v<n> or <family>@<alias>)' }]);
    }
    if (parsed.kind === 'id') return parsed.versionId;
    const id = await store.resolve(parsed.familyId, parsed.alias);
    if (!id) throw new NotFoundError('Alias', `${parsed.familyId}@${parsed.alias}`);
    return id;
  };
}
