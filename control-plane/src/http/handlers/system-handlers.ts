import { ControlPlaneError } from "../../errors/control-plane-error.js";
import type { Store } from "../../store/store.js";
import { renderApiReference } from "../api-reference-page.js";
import type { OperationHandlers } from "../operation-types.js";
import { presentApiKey } from "../presenters.js";

/** Probes, metrics and the contract itself. */
export type SystemHandlers = Pick<
  OperationHandlers,
  "getLiveness" | "getReadiness" | "getPrometheusMetrics" | "getOpenApiDocument" | "getApiReference" | "getCaller"
>;

/** Binds the system operations. `metricsText` renders the Prometheus exposition. */
export function systemHandlers(deps: {
  store: Store;
  openApiText: string;
  metricsText: () => string | Promise<string>;
  isShuttingDown: () => boolean;
}): SystemHandlers {
  return {
    getLiveness: () => ({ status: 200, body: { status: "ok" } }),
    getReadiness: async () => {
      const checks: Record<string, string> = {};
      let ready = !deps.isShuttingDown();
      checks.lifecycle = ready ? "ok" : "shutting down";
      try {
        await deps.store.ping();
        checks.store = "ok";
      } catch (error) {
        ready = false;
        checks.store = `failed: ${(error as Error).message}`;
      }
      return ready
        ? { status: 200, body: { status: "ready", checks } }
        : { status: 503, body: { status: "not_ready", checks } };
    },
    getPrometheusMetrics: async () => ({ status: 200, body: await deps.metricsText() }),
    getOpenApiDocument: () => ({ status: 200, body: deps.openApiText }),
    getApiReference: () => ({ status: 200, body: renderApiReference(deps.openApiText) }),
    getCaller: ({ principal }) => {
      if (principal?.kind !== "apiKey") {
        throw new ControlPlaneError("forbidden", "only an API key has a caller to show");
      }
      return { status: 200, body: presentApiKey(principal.key) };
    },
  };
}
