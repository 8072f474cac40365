import type * as pulumi from "@pulumi/pulumi";
import { type ResourceArgs, RunfleetResource } from "./runfleet-resource.js";
import type { EndpointInputs, EndpointOutputs } from "./runtime/index.js";

/**
 * The arguments of an {@link Endpoint}: the management API's endpoint settings (`EndpointCreate` in
 * openapi.yaml), with the API's names (RunPod's). Only `name` and `templateId` are required; settings
 * left out take the control plane's defaults, and leaving one out later keeps its current value.
 */
export type EndpointArgs = ResourceArgs<EndpointInputs>;

/** The outputs every endpoint has, seeded so that Pulumi reports them even when not given as inputs. */
const ENDPOINT_OUTPUTS = [
  "endpointId",
  "computeType",
  "gpuTypeIds",
  "gpuCount",
  "workersMin",
  "workersMax",
  "idleTimeout",
  "scalerType",
  "scalerValue",
  "executionTimeoutMs",
  "flashboot",
  "env",
  "driver",
  "version",
  "createdAt",
  "updatedAt",
] as const satisfies readonly (keyof EndpointOutputs)[];

/**
 * A Runfleet endpoint: a template plus autoscaling settings, which jobs are sent to. Every setting is
 * changed in place (a PATCH), the endpoint keeps its id, and `pulumi refresh` notices an endpoint
 * deleted outside Pulumi. Type token `pulumi-nodejs:dynamic/runfleet:Endpoint`.
 *
 * @example
 * ```ts
 * const endpoint = new Endpoint("echo", {
 *   name: "echo",
 *   templateId: template.templateId,
 *   computeType: "CPU",
 *   workersMin: 0,
 *   workersMax: 3,
 *   idleTimeout: 30,
 * });
 * export const endpointId = endpoint.endpointId;
 * ```
 */
export class Endpoint extends RunfleetResource {
  /** The endpoint's id, used in job URLs (`/v2/{endpointId}/run`). */
  declare readonly endpointId: pulumi.Output<string>;
  /** The endpoint's name. */
  declare readonly name: pulumi.Output<string>;
  /** The template its workers run. */
  declare readonly templateId: pulumi.Output<string>;
  /** Whether workers need GPUs. */
  declare readonly computeType: pulumi.Output<EndpointOutputs["computeType"]>;
  /** Acceptable GPU types, in priority order. */
  declare readonly gpuTypeIds: pulumi.Output<string[]>;
  /** GPUs per worker. */
  declare readonly gpuCount: pulumi.Output<number>;
  /** Workers kept running without jobs. */
  declare readonly workersMin: pulumi.Output<number>;
  /** Most workers at once. */
  declare readonly workersMax: pulumi.Output<number>;
  /** Idle seconds before a worker is stopped. */
  declare readonly idleTimeout: pulumi.Output<number>;
  /** How the autoscaler decides. */
  declare readonly scalerType: pulumi.Output<EndpointOutputs["scalerType"]>;
  /** The scaler's threshold. */
  declare readonly scalerValue: pulumi.Output<number>;
  /** Longest a job may run once taken, in milliseconds. */
  declare readonly executionTimeoutMs: pulumi.Output<number>;
  /** Whether scaled-down workers are kept as paused standbys. */
  declare readonly flashboot: pulumi.Output<boolean>;
  /** Environment given to workers; secret when any input value was secret. */
  declare readonly env: pulumi.Output<Record<string, string>>;
  /** The driver override, or null for the control plane's default. */
  declare readonly driver: pulumi.Output<EndpointOutputs["driver"]>;
  /** Bumped whenever the template or env changes (workers roll over). */
  declare readonly version: pulumi.Output<number>;
  /** When the endpoint was created (RFC 3339). */
  declare readonly createdAt: pulumi.Output<string>;
  /** When the endpoint last changed (RFC 3339). */
  declare readonly updatedAt: pulumi.Output<string>;

  /** Declares an endpoint; `name` is the Pulumi resource name, `args.name` the endpoint's own. */
  constructor(name: string, args: EndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super("endpoint", name, args, ENDPOINT_OUTPUTS, opts);
  }
}
