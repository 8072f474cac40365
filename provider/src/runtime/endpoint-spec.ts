import type { components } from "@runfleet/sdk/generated";
import { z } from "zod";
import { dataOrGone, expectData } from "./management-client.js";
import { type CheckFailure, type ResourceSpec, ruleFailures } from "./resource-provider.js";
import { envSchema, idSchema, nameSchema } from "./schema-parts.js";

type Schemas = components["schemas"];

/** The plain inputs of an `Endpoint`: the management API's create body. */
export type EndpointInputs = Schemas["EndpointCreate"];

/** What Pulumi stores for an `Endpoint`: the endpoint as the control plane reports it. */
export type EndpointOutputs = Omit<Schemas["Endpoint"], "id"> & {
  /** The endpoint's id, the one job requests use (`/v2/{endpointId}/run`). */
  endpointId: string;
};

/** The contract's rules for endpoint settings, so `pulumi preview` rejects what the API would. */
export const endpointSchema = z.strictObject({
  name: nameSchema,
  templateId: idSchema,
  computeType: z.enum(["GPU", "CPU"]).optional(),
  gpuTypeIds: z.array(z.string().min(1).max(100)).max(32).optional(),
  gpuCount: z.number().int().min(1).max(16).optional(),
  workersMin: z.number().int().min(0).max(1000).optional(),
  workersMax: z.number().int().min(0).max(1000).optional(),
  idleTimeout: z.number().int().min(1).max(3600).optional(),
  scalerType: z.enum(["QUEUE_DELAY", "REQUEST_COUNT"]).optional(),
  scalerValue: z.number().int().min(1).max(10000).optional(),
  executionTimeoutMs: z.number().int().min(5000).max(604_800_000).optional(),
  flashboot: z.boolean().optional(),
  env: envSchema.optional(),
  driver: z.enum(["process", "docker", "kubernetes"]).nullable().optional(),
}) satisfies z.ZodType<EndpointInputs>;

/**
 * The one cross-property rule a preview can check without the server: both bounds set and inverted.
 * (With one bound left to the control plane's default, the control plane itself answers.)
 */
function checkWorkerBounds(inputs: EndpointInputs): CheckFailure[] {
  const { workersMin, workersMax } = inputs;
  if (workersMin === undefined || workersMax === undefined || workersMin <= workersMax) {
    return [];
  }
  return ruleFailures(
    `workersMin (${workersMin}) must not exceed workersMax (${workersMax})`,
    "workersMin",
    "workersMax",
  );
}

/** How an `Endpoint` maps onto `/v1/endpoints`. Every setting can be PATCHed, so nothing replaces. */
export const endpointSpec: ResourceSpec<EndpointInputs, Schemas["Endpoint"], EndpointOutputs> = {
  noun: "endpoint",
  schema: endpointSchema,
  crossChecks: checkWorkerBounds,
  replaceOnChange: [],
  create: (client, body) => expectData("create endpoint", client.POST("/v1/endpoints", { body })),
  get: (client, endpointId) =>
    dataOrGone("read endpoint", client.GET("/v1/endpoints/{endpointId}", { params: { path: { endpointId } } })),
  update: (client, endpointId, body) =>
    expectData(
      "update endpoint",
      client.PATCH("/v1/endpoints/{endpointId}", { params: { path: { endpointId } }, body }),
    ),
  remove: async (client, endpointId) => {
    await dataOrGone(
      "delete endpoint",
      client.DELETE("/v1/endpoints/{endpointId}", { params: { path: { endpointId } } }),
    );
  },
  idOf: (endpoint) => endpoint.id,
  outputs: ({ id, ...endpoint }) => ({ endpointId: id, ...endpoint }),
};
