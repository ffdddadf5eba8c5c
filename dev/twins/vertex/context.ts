import type { Names } from './names';
import type { OperationStore } from './operations';
import type { StateStore } from './state';

/** What every service of the twin works with. */
export interface TwinContext {
  state: StateStore;
  names: Names;
  operations: OperationStore;
}
