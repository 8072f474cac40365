import type { components } from "@runfleet/sdk/generated";
import { ControlPlaneError } from "../../errors/control-plane-error.js";
import type { GpuInventory } from "../../gpus/gpu-inventory.js";
import type { EndpointService } from "../../management/endpoint-service.js";
import {
  histogramCount,
  histogramPercentiles,
  type MetricBucketFigures,
  utilizationOf,
} from "../../metrics/metric-history.js";
import type { MetricHistoryRecorder } from "../../metrics/metric-history-recorder.js";
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
  recorder: MetricHistoryRecorder;
  gpus: GpuInventory;
}): ObservabilityHandlers {
  const { store, clock, endpoints, recorder } = deps;
  return {
    getEndpointMetrics: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const to = input.query.to === undefined ? clock.now() : Date.parse(input.query.to);
      const from =
        input.query.from === undefined ? to - input.query.windowSeconds * 1000 : Date.parse(input.query.from);
      if (!(from < to)) {
        throw new ControlPlaneError("validation_failed", "the range is empty: `from` must come before `to`", {
          fields: [{ field: "from", message: "must be before `to`" }],
        });
      }
      const stepMs = input.query.step === undefined ? undefined : input.query.step * 1000;
      const history = await recorder.range(endpoint.id, { from, to, stepMs });
      if ("error" in history) {
        throw new ControlPlaneError("validation_failed", history.error, {
          fields: [{ field: "step", message: history.error }],
        });
      }
      const points = history.points.map(({ start, figures }) => presentBucket(start, figures));
      const workersByStatus: Record<string, Schemas["MetricPoint"][]> = {};
      for (const status of new Set(points.flatMap((point) => Object.keys(point.workers)))) {
        workersByStatus[status] = points.map((point) => ({ at: point.at, value: point.workers[status] ?? 0 }));
      }
      const total = history.total;
      return {
        status: 200,
        body: {
          endpointId: endpoint.id,
          windowSeconds: Math.round((to - from) / 1000),
          from: toIso(from),
          to: toIso(to),
          stepSeconds: history.plan.stepMs / 1000,
          points,
          queueDepth: points.map((point) => ({ at: point.at, value: point.queueDepth })),
          workersByStatus,
          delayTime: histogramPercentiles(total.delay),
          executionTime: histogramPercentiles(total.execution),
          coldStarts: histogramPercentiles(total.coldStart),
          requestLatency: histogramPercentiles(total.requestLatency ?? {}),
          utilization: utilizationOf(total) ?? 0,
        },
      };
    },
    listScalingEvents: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const events = await store.listScalingEvents(endpoint.id, input.query.limit);
      return { status: 200, body: events.map((event) => ({ ...event, at: toIso(event.at) })) };
    },
    listGpus: () => ({ status: 200, body: deps.gpus.list() }),
  };
}

/** One step of the history as the API shows it: gauges as means, counts as totals. */
function presentBucket(start: number, figures: MetricBucketFigures): Schemas["MetricBucket"] {
  const mean = (sum: number) => (figures.samples > 0 ? Math.round((sum / figures.samples) * 100) / 100 : 0);
  const workers: Record<string, number> = {};
  for (const [status, sum] of Object.entries(figures.workers)) {
    workers[status] = mean(sum);
  }
  return {
    at: toIso(start),
    samples: figures.samples,
    queueDepth: mean(figures.queuedSum),
    queueDepthMax: figures.queuedMax,
    workers,
    jobsCompleted: figures.jobsCompleted,
    jobsFailed: figures.jobsFailed,
    delayTime: histogramPercentiles(figures.delay),
    executionTime: histogramPercentiles(figures.execution),
    coldStarts: histogramCount(figures.coldStart),
    coldStartTime: histogramPercentiles(figures.coldStart),
    requests: figures.requests ?? 0,
    requestErrors: figures.requestErrors ?? 0,
    requestsInFlight: mean(figures.inFlightSum ?? 0),
    requestLatency: histogramPercentiles(figures.requestLatency ?? {}),
    utilization: utilizationOf(figures),
  };
}
