import type { ObjectLocation } from './register-ports';
import type { Family } from './schemas/family';
import type { PushRecord } from './schemas/push-record';

/** Ports of families, promotion and downloads; adapters in functions/src/adapters. */

export interface FamilyStore {
  /** Creates the family; ALREADY_EXISTS when its id is taken. */
  create(family: Family): Promise<void>;
  get(id: string): Promise<Family | null>;
  /** Families ordered by id, starting after `afterId`, at most `limit`. */
  list(afterId: string | null, limit: number): Promise<Family[]>;
  /** How many version documents the family has (deleted versions are not counted). */
  countVersions(familyId: string): Promise<number>;
}

/** What became of each pushed directory: registered as a version, refused (and why), or in progress. */
export interface PushReader {
  get(id: string): Promise<PushRecord | null>;
  /** Newest first (by `recordedAt`, then id), after the given position, at most `limit`. */
  recent(after: { recordedAt: string; id: string } | null, limit: number): Promise<PushRecord[]>;
}

export type LabelClaim =
  | { outcome: 'claimed' }
  /** Another push holds the label: its version (null while that promotion is still running). */
  | { outcome: 'taken'; versionId: string | null };

/**
 * Explicit version labels, unique per family. A promotion claims its label before it registers
 * (keyed by its push, so the same push may claim again), binds it to the version once registered,
 * and releases it when it fails. A claim left unbound for longer than `leaseMs` by a promotion
 * that died is taken over, unless that push did register a version with the label.
 */
export interface VersionLabelStore {
  claim(familyId: string, label: string, pushId: string, now: Date, leaseMs: number): Promise<LabelClaim>;
  bind(familyId: string, label: string, pushId: string, versionId: string): Promise<void>;
  /** Drops an unbound claim of this push; anything else is left alone. */
  release(familyId: string, label: string, pushId: string): Promise<void>;
}

/** Reads content-addressed blobs (write-once, so no generation is needed). */
export interface BlobReader {
  /** The object's bytes; NOT_FOUND when it does not exist. */
  read(location: ObjectLocation): AsyncIterable<Uint8Array>;
}
