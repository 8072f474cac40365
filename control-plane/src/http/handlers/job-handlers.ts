import { ControlPlaneError } from "../../errors/control-plane-error.js";
import type { JobService } from "../../jobs/job-service.js";
import type { EndpointService } from "../../management/endpoint-service.js";
import type { EndpointRecord } from "../../store/records.js";
import type { OperationHandlers } from "../operation-types.js";

/** The RunPod-compatible job API. */
export type JobHandlers = Pick<
  OperationHandlers,
  | "runJob"
  | "runJobSync"
  | "getJobStatus"
  | "waitJobStatus"
  | "waitJobStatusPost"
  | "streamJob"
  | "cancelJob"
  | "retryJob"
  | "purgeQueue"
  | "getEndpointHealth"
>;

/** Counts of an endpoint's workers by the keys RunPod's `/health` uses. */
export type WorkerHealthCounts = (endpointId: string) => {
  idle: number;
  initializing: number;
  ready: number;
  running: number;
  throttled: number;
  unhealthy: number;
};

/** Binds the job API to the job service. */
export function jobHandlers(deps: {
  endpoints: EndpointService;
  jobs: JobService;
  workerCounts: WorkerHealthCounts;
}): JobHandlers {
  const { endpoints, jobs } = deps;
  // Holds (`wait`) default to RunPod's (90 s for runsync and status-sync, 10 s for an empty stream) in
  // openapi.yaml, which request validation applies.
  const waitStatus = async (endpointId: string, jobId: string, wait: number, signal: AbortSignal) => {
    await endpoints.get(endpointId);
    const job = await jobs.waitForEnd(endpointId, jobId, wait, signal);
    return { status: 200 as const, body: await jobs.present(job) };
  };
  return {
    runJob: async ({ input }) => {
      const endpoint = queueEndpoint(await endpoints.get(input.path.endpointId));
      const job = await jobs.submit(endpoint, input.body, {
        kind: "async",
        idempotencyKey: input.header["Idempotency-Key"],
      });
      return { status: 200, body: { id: job.id, status: job.status } };
    },
    runJobSync: async ({ input, signal, admitted }) => {
      const endpoint = queueEndpoint(await endpoints.get(input.path.endpointId));
      const job = await jobs.submit(endpoint, input.body, { kind: "sync" });
      // Stored: waiting for the result costs a timer, not a slot among the submissions in flight.
      admitted();
      const ended = await jobs.waitForEnd(endpoint.id, job.id, input.query.wait, signal);
      return { status: 200, body: await jobs.present(ended) };
    },
    getJobStatus: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      return { status: 200, body: await jobs.present(await jobs.get(input.path.endpointId, input.path.jobId)) };
    },
    waitJobStatus: ({ input, signal }) => waitStatus(input.path.endpointId, input.path.jobId, input.query.wait, signal),
    waitJobStatusPost: ({ input, signal }) =>
      waitStatus(input.path.endpointId, input.path.jobId, input.query.wait, signal),
    streamJob: async ({ input, signal }) => {
      await endpoints.get(input.path.endpointId);
      const { job, chunks } = await jobs.takeStream(input.path.endpointId, input.path.jobId, input.query.wait, signal);
      return { status: 200, body: { id: job.id, status: job.status, stream: chunks.map((output) => ({ output })) } };
    },
    cancelJob: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      return { status: 200, body: jobs.view(await jobs.cancel(input.path.endpointId, input.path.jobId)) };
    },
    retryJob: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      const job = await jobs.retry(input.path.endpointId, input.path.jobId);
      return { status: 200, body: { id: job.id, status: job.status } };
    },
    purgeQueue: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      return { status: 200, body: { removed: await jobs.purge(input.path.endpointId), status: "completed" } };
    },
    getEndpointHealth: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const counts = jobs.counts(endpoint.id);
      return {
        status: 200,
        body: {
          jobs: {
            completed: counts.COMPLETED,
            failed: counts.FAILED + counts.TIMED_OUT,
            inProgress: counts.IN_PROGRESS,
            inQueue: counts.IN_QUEUE,
            retried: counts.retried,
          },
          workers: deps.workerCounts(endpoint.id),
        },
      };
    },
  };
}

/** Jobs go to queue endpoints only: a load-balancing endpoint has no handler to take them. */
function queueEndpoint(endpoint: EndpointRecord): EndpointRecord {
  if (endpoint.type !== "QUEUE") {
    throw new ControlPlaneError(
      "endpoint_type_mismatch",
      `endpoint ${endpoint.id} is a load-balancing endpoint: send requests to /lb/${endpoint.id}/<path>, not jobs`,
    );
  }
  return endpoint;
}
