import type { components } from "@runfleet/sdk/generated";
import type { GpuInventory } from "../../gpus/gpu-inventory.js";
import type { EndpointService } from "../../management/endpoint-service.js";
import type { EndpointMetricsRecorder } from "../../metrics/endpoint-metrics.js";
import { percentiles } from "../../metrics/percentiles.js";
import type { Store } from "../../store/store.js";
import { type Clock, toIso } from "../../util/clock.js";
import type { WorkerRegistry } from "../../workers/worker-registry.js";
import type { OperationHandlers } from "../operation-types.js";

type Schemas = components["schemas"];

/** Per-endpoint metrics, scaling events and the GPU inventory. */
export type ObservabilityHandlers = Pick<OperationHandlers, "getEndpointMetrics" | "listScalingEvents" | "listGpus">;

/** Binds the observability operations. */
export function observabilityHandlers(deps: {
  store: Store;
  clock: Clock;
  endpoints: EndpointService;
  workers: WorkerRegistry;
  recorder: EndpointMetricsRecorder;
  gpus: GpuInventory;
}): ObservabilityHandlers {
  const { store, clock, endpoints, recorder } = deps;
  return {
    getEndpointMetrics: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const windowSeconds = input.query.windowSeconds ?? 3600;
      const since = clock.now() - windowSeconds * 1000;
      const samples = recorder.since(endpoint.id, since);
      const timings = await store.listJobTimings(endpoint.id, since);
      const workersByStatus: Record<string, Schemas["MetricPoint"][]> = {};
      const statuses = new Set(samples.flatMap((sample) => Object.keys(sample.workers)));
      for (const status of statuses) {
        workersByStatus[status] = samples.map((sample) => ({
          at: toIso(sample.at),
          value: sample.workers[status] ?? 0,
        }));
      }
      // Utilization: time spent on jobs over the worker time the samples saw (busy or waiting).
      const workerMs = samples.reduce(
        (sum, sample) => sum + ((sample.workers.IDLE ?? 0) + (sample.workers.RUNNING ?? 0)) * recorder.interval,
        0,
      );
      const busyMs = timings.reduce((sum, timing) => sum + timing.executionMs, 0);
      const coldStarts = deps.workers
        .list(endpoint.id)
        .filter((worker) => worker.createdAt >= since && worker.readyAt !== null)
        .map((worker) => (worker.readyAt as number) - worker.createdAt);
      return {
        status: 200,
        body: {
          endpointId: endpoint.id,
          windowSeconds,
          queueDepth: samples.map((sample) => ({ at: toIso(sample.at), value: sample.queued })),
          workersByStatus,
          delayTime: percentiles(timings.map((timing) => timing.delayMs)),
          executionTime: percentiles(timings.map((timing) => timing.executionMs)),
          coldStarts: percentiles(coldStarts),
          utilization: workerMs > 0 ? Math.min(1, busyMs / workerMs) : 0,
        },
      };
    },
    listScalingEvents: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const events = await store.listScalingEvents(endpoint.id, input.query.limit ?? 100);
      return { status: 200, body: events.map((event) => ({ ...event, at: toIso(event.at) })) };
    },
    listGpus: () => ({ status: 200, body: deps.gpus.list() }),
  };
}
