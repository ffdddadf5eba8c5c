export interface FaultSettings {
  /** The next N media downloads answer 503. */
  failReads?: number;
  /** The next N media downloads send their headers and half of their bytes, then reset the connection. */
  breakReads?: number;
  /** The next N write requests (upload requests incl. each resumable chunk, patch, delete, copy/rewrite, bucket creation) answer 503. */
  failWrites?: number;
  /** Delay added before every request is handled. */
  latencyMs?: number;
  /**
   * The next N finalize events are delivered twice, at once, with the same ce-id (Pub/Sub's
   * at-least-once duplicates). A second finalize of the object would have a new ce-id: not this.
   */
  duplicateDeliveries?: number;
  /**
   * The next N finalize events are held, then delivered in reverse order, one after the other (each
   * once the previous one's first attempt is answered), when the N-th is published or the setting
   * is replaced.
   */
  reorderDeliveries?: number;
  /**
   * The next N finalize events are delivered as if `lateByMs` late: ce-time and the object's
   * `timeCreated` and `updated` are that much in the past.
   */
  lateDeliveries?: number;
  /** How late a late delivery is (default 3,660 s: past the register function's default MAX_EVENT_AGE_SECONDS of 3,600). */
  lateByMs?: number;
}

export const DEFAULT_LATE_BY_MS = (3600 + 60) * 1000;

const NONE: Required<FaultSettings> = {
  failReads: 0, breakReads: 0, failWrites: 0, latencyMs: 0,
  duplicateDeliveries: 0, reorderDeliveries: 0, lateDeliveries: 0, lateByMs: DEFAULT_LATE_BY_MS,
};

/** Explicit, test-controlled failures. `set` replaces the whole setting; counters decrease as faults fire. */
export class FaultSwitch {
  private settings: Required<FaultSettings> = { ...NONE };
  private readonly listeners: (() => void)[] = [];

  set(settings: FaultSettings): void {
    this.settings = { ...NONE, ...Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) };
    for (const listener of this.listeners) listener();
  }

  clear(): void {
    this.set({});
  }

  /** Called after every `set` (the event delivery releases the events it holds for a reordering). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The faults not fired yet (a test checks that the ones it set did fire). */
  remaining(): Required<FaultSettings> {
    return { ...this.settings };
  }

  get latencyMs(): number {
    return this.settings.latencyMs;
  }

  /** True if this read must fail (and counts it). */
  takeReadFault(): boolean {
    return this.take('failReads');
  }

  /** True if this read must break off halfway (and counts it). */
  takeBrokenRead(): boolean {
    return this.take('breakReads');
  }

  /** True if this write must fail (and counts it). */
  takeWriteFault(): boolean {
    return this.take('failWrites');
  }

  /** True if this event must be delivered twice (and counts it). */
  takeDuplicateDelivery(): boolean {
    return this.take('duplicateDeliveries');
  }

  /** True if this event must be held for a reordering (and counts it); `reorderComplete` then says whether it was the last. */
  takeReorderedDelivery(): boolean {
    return this.take('reorderDeliveries');
  }

  get reorderComplete(): boolean {
    return this.settings.reorderDeliveries === 0;
  }

  /** How late this event must look, or 0 (and counts it). */
  takeLateDelivery(): number {
    return this.take('lateDeliveries') ? this.settings.lateByMs : 0;
  }

  private take(counter: 'failReads' | 'breakReads' | 'failWrites' | 'duplicateDeliveries' | 'reorderDeliveries' | 'lateDeliveries'): boolean {
    if (this.settings[counter] <= 0) return false;
    this.settings[counter]--;
    return true;
  }
}
