export interface FaultSettings {
  /** The next N media downloads answer 503. */
  failReads?: number;
  /** The next N media downloads send their headers and half of their bytes, then reset the connection. */
  breakReads?: number;
  /** The next N write requests (upload requests incl. each resumable chunk, patch, delete, copy/rewrite, bucket creation) answer 503. */
  failWrites?: number;
  /** Delay added before every request is handled. */
  latencyMs?: number;
}

/** Explicit, test-controlled failures. `set` replaces the whole setting; counters decrease as faults fire. */
export class FaultSwitch {
  private settings: Required<FaultSettings> = { failReads: 0, breakReads: 0, failWrites: 0, latencyMs: 0 };

  set(settings: FaultSettings): void {
    this.settings = { failReads: settings.failReads ?? 0, breakReads: settings.breakReads ?? 0, failWrites: settings.failWrites ?? 0, latencyMs: settings.latencyMs ?? 0 };
  }

  clear(): void {
    this.set({});
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
    if (this.settings.failReads <= 0) return false;
    this.settings.failReads--;
    return true;
  }

  /** True if this read must break off halfway (and counts it). */
  takeBrokenRead(): boolean {
    if (this.settings.breakReads <= 0) return false;
    this.settings.breakReads--;
    return true;
  }

  /** True if this write must fail (and counts it). */
  takeWriteFault(): boolean {
    if (this.settings.failWrites <= 0) return false;
    this.settings.failWrites--;
    return true;
  }
}
