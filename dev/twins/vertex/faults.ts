import { grpc } from 'google-gax';

export interface FaultPlan {
  /** The next N calls (of any method) answer UNAVAILABLE. */
  unavailable?: number;
  /**
   * Calls of one method answer with this status: `method` is its name (`UploadModel`), optionally qualified
   * (`ModelService/UploadModel`, `/google.cloud.aiplatform.v1.ModelService/UploadModel`). Without `times`,
   * every call fails until `clear()`.
   */
  failMethod?: { method: string; code: number; message: string; times?: number };
}

export interface Fault {
  code: number;
  message: string;
}

/** The twin's fault-injection switch: consulted before every RPC is handled. */
export class Faults {
  private plan: FaultPlan = {};

  set(plan: FaultPlan): void {
    this.plan = { ...plan, ...(plan.failMethod ? { failMethod: { ...plan.failMethod } } : {}) };
  }

  clear(): void {
    this.plan = {};
  }

  /** The fault the call to `path` (`/package.Service/Method`) must answer with, if any; counts it down. */
  take(path: string): Fault | undefined {
    if (this.plan.unavailable && this.plan.unavailable > 0) {
      this.plan.unavailable--;
      return { code: grpc.status.UNAVAILABLE, message: 'The service is currently unavailable.' };
    }
    const failure = this.plan.failMethod;
    if (!failure || !matches(path, failure.method)) return undefined;
    if (failure.times !== undefined) {
      if (failure.times <= 0) return undefined;
      failure.times--;
    }
    return { code: failure.code, message: failure.message };
  }
}

function matches(path: string, method: string): boolean {
  const wanted = method.replace(/^\//, '');
  const actual = path.replace(/^\//, '');
  return actual === wanted || actual.endsWith(`/${wanted}`) || actual.endsWith(`.${wanted}`);
}
