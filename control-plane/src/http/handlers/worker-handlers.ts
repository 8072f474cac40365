import type { JobService } from "../../jobs/job-service.js";
import type { WorkerRegistry } from "../../workers/worker-registry.js";
import type { OperationHandlers } from "../operation-types.js";
import { presentWorkerJob } from "../presenters.js";

/** The worker protocol, as the runpod Python SDK and `@runfleet/sdk/worker` speak it. */
export type WorkerProtocolHandlers = Pick<
  OperationHandlers,
  "takeJob" | "takeJobBatch" | "takeStopSignals" | "postJobResult" | "postJobStream" | "pingWorker"
>;

/** Binds the worker protocol to the job service and the worker registry. */
export function workerProtocolHandlers(deps: {
  jobs: JobService;
  workers: WorkerRegistry;
  takeHoldMs: number;
  /** A worker asked to be recycled after its job (`stopPod`). */
  recycle: (workerId: string) => void;
}): WorkerProtocolHandlers {
  const { jobs, workers } = deps;
  return {
    takeJob: async ({ input, signal }) => {
      const { endpointId, workerId } = input.path;
      workers.seen(workerId, true);
      const [job] = await jobs.take(endpointId, workerId, 1, signal);
      workers.seen(workerId);
      return job ? { status: 200, body: presentWorkerJob(job) } : { status: 204, body: undefined };
    },
    takeJobBatch: async ({ input, signal }) => {
      const { endpointId, workerId } = input.path;
      workers.seen(workerId, true);
      const taken = await jobs.take(endpointId, workerId, input.query.batch_size, signal);
      workers.seen(workerId);
      return taken.length > 0 ? { status: 200, body: taken.map(presentWorkerJob) } : { status: 204, body: undefined };
    },
    takeStopSignals: async ({ input, signal }) => {
      const { workerId } = input.path;
      workers.seen(workerId);
      const jobsToStop = await workers.takeStopSignals(workerId, deps.takeHoldMs, signal);
      return jobsToStop.length > 0 ? { status: 200, body: { jobsToStop } } : { status: 204, body: undefined };
    },
    postJobResult: async ({ input }) => {
      const { endpointId, workerId, jobId } = input.path;
      workers.seen(workerId);
      const body = input.body;
      if (body.status === "IN_PROGRESS") {
        await jobs.progress(endpointId, workerId, jobId, body.output);
      } else {
        await jobs.finish(endpointId, workerId, jobId, { output: body.output, error: body.error });
        if (body.stopPod === true) {
          deps.recycle(workerId);
        }
      }
      return { status: 200, body: { ok: true } };
    },
    postJobStream: async ({ input }) => {
      const { endpointId, workerId, jobId } = input.path;
      workers.seen(workerId);
      await jobs.appendChunk(endpointId, workerId, jobId, input.body.output);
      return { status: 200, body: { ok: true } };
    },
    pingWorker: async ({ input }) => {
      const { workerId } = input.path;
      workers.seen(workerId);
      if (input.query.status === "unhealthy") {
        const check = input.query.check === undefined ? "a start-up check" : `fitness check ${input.query.check}`;
        await workers.markUnhealthy(workerId, `${check} failed: ${input.query.reason ?? "no reason given"}`);
      }
      const ids = (input.query.job_id ?? "").split(",").filter((id) => id.length > 0);
      jobs.heartbeat(workerId, ids);
      return { status: 200, body: { ok: true } };
    },
  };
}
