export interface FaultSettings {
  /** The next N gRPC calls fail with UNAVAILABLE (the client library retries the idempotent ones). */
  unavailable?: number;
  /** Deliver each firing N times concurrently, to test idempotency downstream. */
  duplicateDeliveries?: number;
}

/** The twin's fault-injection switch; `set` replaces the previous settings. */
export class Faults {
  private settings: FaultSettings = {};

  set(settings: FaultSettings): void {
    this.settings = { ...settings };
  }

  clear(): void {
    this.settings = {};
  }

  /** Consumes one injected UNAVAILABLE, if any is left. */
  takeUnavailable(): boolean {
    const left = this.settings.unavailable ?? 0;
    if (left <= 0) return false;
    this.settings.unavailable = left - 1;
    return true;
  }

  get deliveryCopies(): number {
    return Math.max(1, this.settings.duplicateDeliveries ?? 1);
  }
}
