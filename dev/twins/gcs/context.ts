import type { FaultSwitch } from './faults';
import type { FinalizedEventDelivery } from './finalized-events';
import type { ObjectStore } from './store';

/** What the request handlers share. */
export interface TwinContext {
  store: ObjectStore;
  events: FinalizedEventDelivery;
  faults: FaultSwitch;
  /** http://127.0.0.1:port, for selfLink, mediaLink and resumable session URIs. */
  baseUrl: string;
  log: (line: string) => void;
}
