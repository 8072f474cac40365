// Generated from openapi.yaml by scripts/gen-request-schemas.mjs (npm run gen). Do not edit.
import type { components } from "@runfleet/sdk/generated";

type Schemas = components["schemas"];

/** The `default:` values `EndpointCreate` documents: what an endpoint created without a setting gets. */
export const ENDPOINT_CREATE_DEFAULTS = {
  type: "QUEUE",
  computeType: "GPU",
  gpuTypeIds: [],
  gpuCount: 1,
  workersMin: 0,
  workersMax: 3,
  idleTimeout: 5,
  scalerType: "QUEUE_DELAY",
  scalerValue: 4,
  executionTimeoutMs: 600000,
  flashboot: false,
  env: {},
  secretEnv: {},
  driver: null,
} satisfies Partial<Schemas["EndpointCreate"]>;

/** The `default:` values `TemplateCreate` documents (its other settings are absent by default). */
export const TEMPLATE_CREATE_DEFAULTS = {
  command: [],
  env: {},
  secretEnv: {},
  ports: [],
  volumeMounts: [],
} satisfies Partial<Schemas["TemplateCreate"]>;
