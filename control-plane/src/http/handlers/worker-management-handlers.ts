import type { JobService } from "../../jobs/job-service.js";
import type { EndpointService } from "../../management/endpoint-service.js";
import type { TemplateService } from "../../management/template-service.js";
import type { Store } from "../../store/store.js";
import { type WorkerRegistry, workerStatus } from "../../workers/worker-registry.js";
import type { OperationHandlers } from "../operation-types.js";
import { presentJobRecord, presentWebhookDelivery, presentWorker } from "../presenters.js";

/** Management operations on workers, jobs and webhook deliveries. */
export type WorkerManagementHandlers = Pick<
  OperationHandlers,
  | "listWorkers"
  | "createWorker"
  | "getWorker"
  | "deleteWorker"
  | "drainWorker"
  | "getWorkerLogs"
  | "streamWorkerLogs"
  | "listJobs"
  | "listWebhookDeliveries"
>;

/** Reads a worker's captured log lines; external workers have none. */
export type WorkerLogReader = (
  workerId: string,
  tail: number,
) => Promise<{ at: string; stream: "stdout" | "stderr"; line: string }[]>;

/** Follows a worker's log lines until it ends or `signal` aborts; external workers have none. */
export type WorkerLogFollower = (
  workerId: string,
  tail: number,
  signal: AbortSignal,
) => AsyncIterable<{ at: string; stream: "stdout" | "stderr"; line: string }>;

/** Binds worker and job management to the registry, the job service and the store. */
export function workerManagementHandlers(deps: {
  store: Store;
  endpoints: EndpointService;
  templates: TemplateService;
  workers: WorkerRegistry;
  jobs: JobService;
  baseUrl: () => string;
  pingIntervalMs: number;
  readLogs: WorkerLogReader;
  followLogs: WorkerLogFollower;
  /** Stops a driver-managed worker; external workers are only forgotten. */
  stopWorker: (workerId: string) => Promise<void>;
  /** Requests the router has in flight on a worker of a load-balancing endpoint (RUNNING while any). */
  routedRequests: (workerId: string) => number;
  /** Why the endpoint's workers cannot run (a GPU endpoint on a control plane without such GPUs...), if known. */
  endpointReason: (endpointId: string) => string | undefined;
}): WorkerManagementHandlers {
  const { workers, jobs, endpoints } = deps;
  const present = (endpointId: string, workerId: string) => {
    const worker = workers.get(endpointId, workerId);
    const running = jobs.runningByWorker(endpointId).get(workerId) ?? [];
    const status = workerStatus(worker, running.length + deps.routedRequests(workerId));
    const throttled = status === "THROTTLED" ? (deps.endpointReason(endpointId) ?? "waiting for free GPUs") : undefined;
    return presentWorker(worker, status, running, throttled);
  };
  return {
    listWorkers: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      return { status: 200, body: workers.list(endpoint.id).map((worker) => present(endpoint.id, worker.id)) };
    },
    createWorker: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const template = await deps.templates.get(endpoint.templateId);
      const { worker, token } = await workers.register(endpoint, {
        driver: "external",
        concurrency: input.body?.concurrency ?? 1,
        gpuIds: [],
      });
      const env = workers.environment({
        worker,
        token,
        endpoint,
        template,
        baseUrl: deps.baseUrl(),
        pingIntervalMs: deps.pingIntervalMs,
      });
      return { status: 201, body: { worker: present(endpoint.id, worker.id), token, env } };
    },
    getWorker: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      return { status: 200, body: present(input.path.endpointId, input.path.workerId) };
    },
    deleteWorker: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      const worker = workers.get(input.path.endpointId, input.path.workerId);
      await deps.stopWorker(worker.id);
      await jobs.releaseWorker(worker.id, `worker ${worker.id} was removed`);
      await workers.remove(worker.id);
      return { status: 204, body: undefined };
    },
    drainWorker: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      const worker = workers.get(input.path.endpointId, input.path.workerId);
      await workers.drain(worker.id);
      return { status: 202, body: present(input.path.endpointId, worker.id) };
    },
    getWorkerLogs: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      const worker = workers.get(input.path.endpointId, input.path.workerId);
      return {
        status: 200,
        body: { workerId: worker.id, lines: await deps.readLogs(worker.id, input.query.tail) },
      };
    },
    streamWorkerLogs: async ({ input, signal }) => {
      await endpoints.get(input.path.endpointId);
      const worker = workers.get(input.path.endpointId, input.path.workerId);
      const tail = input.query.tail;
      return { status: 200, body: untilAbandoned(signal, (stop) => deps.followLogs(worker.id, tail, stop)) };
    },
    listJobs: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const list = await deps.store.listJobs(endpoint.id, {
        status: input.query.status,
        limit: input.query.limit,
      });
      return { status: 200, body: list.map((job) => presentJobRecord(job, jobs.view(job))) };
    },
    listWebhookDeliveries: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      const job = await jobs.get(input.path.endpointId, input.path.jobId);
      return { status: 200, body: (await deps.store.listWebhookDeliveries(job.id)).map(presentWebhookDelivery) };
    },
  };
}

/**
 * Runs `follow` with a signal that aborts when the client goes away, either way it is told: the request's
 * signal, or the response stream being cancelled (the iterator's `return`). Aborting first lets a
 * follower that waits for output stop at once instead of at its next line.
 */
function untilAbandoned<T>(request: AbortSignal, follow: (signal: AbortSignal) => AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      const stop = new AbortController();
      const abort = () => stop.abort();
      request.addEventListener("abort", abort, { once: true });
      const inner = follow(stop.signal)[Symbol.asyncIterator]();
      const finish = () => request.removeEventListener("abort", abort);
      return {
        next: async () => {
          const next = await inner.next();
          if (next.done) {
            finish();
          }
          return next;
        },
        return: async (value?: unknown) => {
          abort();
          finish();
          return (await inner.return?.(value)) ?? { done: true, value: undefined };
        },
      };
    },
  };
}
