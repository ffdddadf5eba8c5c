import type { Dispatcher } from './dispatcher';
import type { JobStore } from './job-store';

const CHECK_INTERVAL_MS = 1000;

/** Decides when jobs fire: on demand up to a given time (`tick`), or on a real timer. */
export class Firing {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: JobStore,
    private readonly dispatcher: Dispatcher,
    private readonly now: () => Date,
  ) {}

  /** Fires every slot due up to `until`, one after another in time order, and waits for all deliveries. */
  async tick(until: Date): Promise<void> {
    const due = this.store.takeDueSlots(until).flat().sort((a, b) => a.slot.getTime() - b.slot.getTime());
    for (const { job, slot } of due) await this.dispatcher.fire(job, slot);
    await this.dispatcher.settled();
  }

  /** Checks every second; of several slots missed (the process was stalled, the clock jumped) only the latest fires. */
  startTimer(): void {
    this.timer = setInterval(() => {
      for (const slots of this.store.takeDueSlots(this.now())) {
        const latest = slots.at(-1);
        if (latest) void this.dispatcher.fire(latest.job, latest.slot);
      }
    }, CHECK_INTERVAL_MS);
    this.timer.unref(); // a forgotten twin must not keep the process alive
  }

  stopTimer(): void {
    clearInterval(this.timer);
  }
}
