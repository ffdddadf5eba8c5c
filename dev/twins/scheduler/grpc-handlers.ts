import { grpc } from 'google-gax';
import type { Dispatcher } from './dispatcher';
import type { Faults } from './faults';
import type { JobStore } from './job-store';
import { RpcError } from './rpc-error';
import type { Job } from './wire';

interface NameRequest { name?: string }
interface ListJobsRequest { parent?: string; pageSize?: number; pageToken?: string }
interface CreateJobRequest { parent?: string; job?: Job }
interface UpdateJobRequest { job?: Job; updateMask?: { paths?: string[] } }

export interface HandlerDeps {
  store: JobStore;
  dispatcher: Dispatcher;
  faults: Faults;
  now: () => Date;
}

/** The CloudScheduler methods, keyed by the names in the service definition. */
export function cloudSchedulerHandlers({ store, dispatcher, faults, now }: HandlerDeps): grpc.UntypedServiceImplementation {
  function unary<Request>(handle: (request: Request) => object) {
    return (call: grpc.ServerUnaryCall<Request, object>, callback: grpc.sendUnaryData<object>) => {
      try {
        if (faults.takeUnavailable()) throw new RpcError(grpc.status.UNAVAILABLE, 'The service is currently unavailable.');
        callback(null, handle(call.request));
      } catch (err) {
        callback(err instanceof RpcError ? err : new RpcError(grpc.status.INTERNAL, String(err)));
      }
    };
  }

  return {
    ListJobs: unary<ListJobsRequest>((req) => store.list(req.parent ?? '', req.pageSize, req.pageToken)),
    GetJob: unary<NameRequest>((req) => store.get(req.name ?? '')),
    CreateJob: unary<CreateJobRequest>((req) => store.create(req.parent ?? '', req.job ?? {})),
    UpdateJob: unary<UpdateJobRequest>((req) => store.update(req.job ?? {}, req.updateMask?.paths ?? [])),
    DeleteJob: unary<NameRequest>((req) => {
      store.delete(req.name ?? '');
      return {};
    }),
    PauseJob: unary<NameRequest>((req) => store.pause(req.name ?? '')),
    ResumeJob: unary<NameRequest>((req) => store.resume(req.name ?? '')),
    // Dispatches now, whatever the job's state, and answers without waiting for the target.
    RunJob: unary<NameRequest>((req) => {
      const job = store.snapshot(req.name ?? '');
      void dispatcher.fire(job, now());
      return store.get(req.name ?? '');
    }),
  };
}
