import { adviseEndpoint } from "../../advice/advice-service.js";
import { ControlPlaneError } from "../../errors/control-plane-error.js";
import type { GpuInventory } from "../../gpus/gpu-inventory.js";
import type { EndpointService } from "../../management/endpoint-service.js";
import type { Store } from "../../store/store.js";
import { USAGE_BUCKET_MS } from "../../usage/usage-meter.js";
import { summarizeUsage } from "../../usage/usage-summary.js";
import { type Clock, toIso } from "../../util/clock.js";
import type { OperationHandlers } from "../operation-types.js";

/** Usage (worker-seconds by state, GPU-seconds) and autoscaling advice. */
export type UsageHandlers = Pick<OperationHandlers, "getEndpointUsage" | "getEndpointAdvice">;

const DAY_MS = 86_400_000;

/** Binds the usage and advice operations. */
export function usageHandlers(deps: {
  store: Store;
  clock: Clock;
  endpoints: EndpointService;
  gpus: GpuInventory;
}): UsageHandlers {
  const { store, clock, endpoints } = deps;
  return {
    getEndpointUsage: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const to = input.query.to === undefined ? clock.now() : Date.parse(input.query.to);
      const from = input.query.from === undefined ? to - DAY_MS : Date.parse(input.query.from);
      if (!(from < to)) {
        throw new ControlPlaneError("validation_failed", `from (${input.query.from}) must be before to`, {
          fields: [{ field: "from", message: "must be before to" }],
        });
      }
      // Whole buckets: from the bucket holding `from` to the one holding `to`.
      const start = Math.floor(from / USAGE_BUCKET_MS) * USAGE_BUCKET_MS;
      const end = Math.ceil(to / USAGE_BUCKET_MS) * USAGE_BUCKET_MS;
      const summary = summarizeUsage(await store.listWorkerUsage(endpoint.id, start, end));
      return {
        status: 200,
        body: {
          endpointId: endpoint.id,
          from: toIso(start),
          to: toIso(end),
          bucketSeconds: USAGE_BUCKET_MS / 1000,
          ...summary.total,
          workers: summary.workers,
        },
      };
    },
    getEndpointAdvice: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const windowMs = input.query.windowSeconds * 1000;
      return {
        status: 200,
        body: await adviseEndpoint({ store, gpus: deps.gpus, now: clock.now() }, endpoint, windowMs),
      };
    },
  };
}
