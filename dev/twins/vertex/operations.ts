import { grpc } from 'google-gax';
import { RpcError, invalidArgument, notFound, required } from './errors';
import { paginate } from './listing';
import type { IdSequence } from './names';
import type { VertexProtos } from './protos';
import { durationMs, timestamp } from './time';
import type {
  CancelOperationRequest, DeleteOperationRequest, GetOperationRequest, ListOperationsRequest, Operation,
  RpcStatus, ServiceHandlers, Timestamp, WaitOperationRequest,
} from './types';

/** The message types an LRO packs in its metadata and response (each metadata type has `genericMetadata`). */
export interface LroTypes {
  metadata: string;
  response: string;
}

interface Entry {
  operation: Operation;
  timer?: NodeJS.Timeout;
  waiters: Array<() => void>;
}

const WAIT_DEFAULT_MS = 60_000;

/** The long-running operations of the twin, shared by all services and polled through google.longrunning.Operations. */
export class OperationStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly protos: VertexProtos,
    private readonly ids: IdSequence,
    private readonly delayMs: number,
  ) {}

  /**
   * Starts an operation named under `resource`. `work` applies the change and returns the response message; it runs
   * after the configured delay, so that clients have to poll (with no delay the operation is done before it is
   * returned). An RpcError thrown by `work` becomes the operation's error.
   */
  start(resource: string, types: LroTypes, work: () => object): Operation {
    const created = timestamp();
    const entry: Entry = {
      operation: { name: `${resource}/operations/${this.ids.take()}`, done: false, metadata: this.metadata(types, created, created) },
      waiters: [],
    };
    this.entries.set(entry.operation.name!, entry);
    const finish = () => {
      entry.timer = undefined;
      let result: Pick<Operation, 'response' | 'error'>;
      try {
        result = { response: this.protos.pack(types.response, work()) };
      } catch (error) {
        result = { error: statusOf(error) };
      }
      this.complete(entry, { ...result, metadata: this.metadata(types, created, timestamp()) });
    };
    if (this.delayMs > 0) entry.timer = setTimeout(finish, this.delayMs);
    else finish();
    return { ...entry.operation };
  }

  get(name: string): Operation {
    return { ...this.entry(name).operation };
  }

  list(parent: string): Operation[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.operation })).filter((op) => op.name!.startsWith(`${parent}/`));
  }

  /** Stops an operation that is still running: its change is never applied, and it ends with CANCELLED. */
  cancel(name: string): void {
    const entry = this.entry(name);
    if (entry.operation.done) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    this.complete(entry, { error: { code: grpc.status.CANCELLED, message: 'Operation was cancelled.', details: [] } });
  }

  delete(name: string): void {
    this.entry(name);
    this.entries.delete(name);
  }

  /** Resolves with the operation once it is done or timeoutMs has passed, whichever comes first. */
  async wait(name: string, timeoutMs: number): Promise<Operation> {
    const entry = this.entry(name);
    if (!entry.operation.done) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        entry.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return { ...entry.operation };
  }

  /** Drops pending work (the twin is stopping) and releases waiters. */
  stop(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.waiters.splice(0).forEach((wake) => wake());
    }
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw notFound(`Operation ${name} not found.`);
    return entry;
  }

  private complete(entry: Entry, result: Pick<Operation, 'response' | 'error' | 'metadata'>): void {
    entry.operation = { ...entry.operation, done: true, ...result };
    entry.waiters.splice(0).forEach((wake) => wake());
  }

  private metadata(types: LroTypes, createTime: Timestamp, updateTime: Timestamp) {
    return this.protos.pack(types.metadata, { genericMetadata: { createTime, updateTime } });
  }
}

function statusOf(error: unknown): RpcStatus {
  if (error instanceof RpcError) return { code: error.code, message: error.message, details: [] };
  return { code: grpc.status.INTERNAL, message: error instanceof Error ? error.message : String(error), details: [] };
}

/** google.longrunning.Operations, as the client's operations client calls it to poll LROs. */
export function operationsService(store: OperationStore): ServiceHandlers {
  return {
    GetOperation: (request: GetOperationRequest) => store.get(required(request.name, 'name')),
    ListOperations: (request: ListOperationsRequest) => {
      if (request.filter) throw invalidArgument('Filtering operations is not supported by the twin.');
      const { page, nextPageToken } = paginate(store.list(required(request.name, 'name')), request.pageSize, request.pageToken);
      return { operations: page, nextPageToken };
    },
    CancelOperation: (request: CancelOperationRequest) => {
      store.cancel(required(request.name, 'name'));
      return {};
    },
    DeleteOperation: (request: DeleteOperationRequest) => {
      store.delete(required(request.name, 'name'));
      return {};
    },
    WaitOperation: (request: WaitOperationRequest) => store.wait(required(request.name, 'name'), durationMs(request.timeout) || WAIT_DEFAULT_MS),
  };
}
